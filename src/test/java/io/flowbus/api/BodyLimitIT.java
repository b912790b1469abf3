package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.JarNode;
import io.flowbus.testing.TestNodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --body-limit} holds while the bytes arrive: chunked bodies far larger than the node's heap
 * are cut at the limit, many at once, and the node (a jar with {@code -Xmx256m}) lives on.
 */
class BodyLimitIT {
  private static final int MIB = 1024 * 1024;

  @TempDir Path work;

  /** What the server answered to one chunked upload, and how many bytes it took before that. */
  record Answer(String head, long sent) {}

  @Test
  void manyChunkedBodiesFarOverTheLimitAre413WithoutFillingTheHeap() throws Exception {
    int port = TestNodes.freePort();
    List<String> args =
        List.of(
            "--config",
            Path.of("src/test/resources/it/test_jobs.yaml").toAbsolutePath().toString(),
            "--data-dir",
            work.resolve("data").toString(),
            "--cluster-name",
            TestNodes.uniqueClusterName(),
            "--body-limit",
            "1MB");
    try (JarNode node = JarNode.start(work, port, args, Map.of()).awaitReady()) {
      String before = node.http().get("/api/definitions").body();
      ExecutorService pool = Executors.newFixedThreadPool(32);
      try {
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String target = i % 4 == 0 ? "POST /api/jobs/single/runs" : "PUT /api/definitions";
          answers.add(CompletableFuture.supplyAsync(() -> upload(port, target, pool), pool));
        }
        for (CompletableFuture<Answer> answer : answers) {
          Answer a = answer.get(120, TimeUnit.SECONDS);
          assertThat(a.head()).startsWith("HTTP/1.1 413").contains("application/problem+json");
          // cut while streaming: far less than the 64 MiB offered was taken in
          assertThat(a.sent()).isLessThan(32L * MIB);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(node.isAlive()).isTrue();
      assertThat(node.http().get("/health").status()).isEqualTo(200);
      assertThat(node.http().get("/api/definitions").body()).isEqualTo(before);
      assertThat(node.output()).doesNotContain("OutOfMemoryError");
    }
  }

  /**
   * Sends 64 MiB of chunked body on one thread while reading the answer on another, as a client
   * that streams an upload does.
   */
  private static Answer upload(int port, String target, ExecutorService pool) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      String[] line = target.split(" ");
      out.write(
          (line[0]
                  + " "
                  + line[1]
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> send(out), pool);
      String head = readHead(socket.getInputStream());
      socket.setSoLinger(true, 0);
      return new Answer(head, sending.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes 64 chunks of 1 MiB unless the server closes first; returns the bytes written. */
  private static long send(OutputStream out) {
    byte[] chunk = new byte[MIB];
    byte[] size = (Integer.toHexString(MIB) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    long sent = 0;
    try {
      for (int i = 0; i < 64; i++) {
        out.write(size);
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sent += MIB;
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException closedByServer) {
      // expected: the node stops reading once it has answered
    }
    return sent;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        break;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
