package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads in flight to the orchestrator when it is killed are answered by the next one as soon as the
 * cluster sees it leave, not at their timeout: the timeout here is raised far above the time a
 * failover takes, and above the test client's own (60 s), so a read left to it would fail.
 */
class ApiFailoverIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath();
  private static final int READERS = 4;

  @TempDir Path work;

  /** One read: when it was sent and answered (nanoTime), and its status. */
  private record Read(long sent, long answered, int status) {}

  @Test
  void readsInFlightAtTheKillAreAnsweredByTheNextOrchestrator() throws Exception {
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dflowbus.api.read-timeout-ms=120000");
    try (JarCluster cluster = new JarCluster(work, JOBS, env)) {
      List<JarNode> nodes = cluster.startLedByAController("controller,worker");
      JarNode leader = nodes.get(0);
      JarNode next = nodes.get(1);
      String nextId = cluster.nodeIdOf(next);
      Http http = next.http();
      String id = http.post("/api/jobs/fanout/runs?count=4").json().getString("id");

      ExecutorService readers = Executors.newFixedThreadPool(READERS);
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        loops.add(readers.submit(() -> readUntil(stop, http, "/api/runs/" + id, reads)));
      }
      await().until(() -> reads.size() >= 20);
      long killedAt = System.nanoTime();
      leader.kill();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  nextId.equals(http.get("/api/cluster").json().getString("leader"))
                      && reads.stream().filter(r -> r.sent() > killedAt).count() >= 20);
      stop.set(true);
      for (Future<?> loop : loops) {
        loop.get(); // a read that failed (a timeout of the test client) fails the test here
      }
      readers.shutdown();

      List<Read> acrossTheKill =
          reads.stream().filter(r -> r.sent() < killedAt && r.answered() > killedAt).toList();
      long slowest = reads.stream().mapToLong(r -> r.answered() - r.sent()).max().orElse(0);
      System.out.printf(
          "FIGURE %d reads, %d in flight at the kill; slowest %d ms%n",
          reads.size(), acrossTheKill.size(), slowest / 1_000_000);
      assertThat(acrossTheKill).isNotEmpty();
      assertThat(reads).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }

  private static Void readUntil(
      AtomicBoolean stop, Http http, String path, ConcurrentLinkedQueue<Read> reads) {
    while (!stop.get()) {
      long sent = System.nanoTime();
      int status = http.get(path).status();
      reads.add(new Read(sent, System.nanoTime(), status));
    }
    return null;
  }
}
