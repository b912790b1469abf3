package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 336-character header secret that a spawn task writes as a bad token into spawn.json, prints
 * whole, cut, and as a prefix at the very end of its output: no 8-character prefix of it shows in
 * the run's error, the journal, the node log or the served logs, and no file the engine keeps holds
 * it in clear.
 */
class SecretLeaksIT {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  @TempDir static Path work;
  static JarNode node;
  static Http http;

  @BeforeAll
  static void start() throws IOException {
    // as an earlier version left it: readable by all; the node makes it private when it starts
    Files.createDirectories(data().resolve("meta"));
    Files.setPosixFilePermissions(data().resolve("meta"), perms("rwxr-xr-x"));
    List<String> args =
        List.of(
            "--config",
            Path.of("src/test/resources/it/secret_jobs.yaml").toAbsolutePath().toString(),
            "--data-dir",
            data().toString(),
            "--cluster-name",
            TestNodes.uniqueClusterName());
    node = JarNode.start(work, TestNodes.freePort(), args, Map.of()).awaitReady();
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSecretCutShortByTheSpawnFileErrorShowsNowhere() throws IOException {
    String secret = secret();
    String head = secret.substring(0, 8);
    String id = create("leak", secret);

    JsonObject run = awaitEnded(id);

    assertThat(run.getString("state")).isEqualTo("FAILED");
    assertThat(run.getString("error"))
        .contains("spawn.json is malformed: Unrecognized token '***")
        .doesNotContain(head);
    assertThat(Files.readString(data().resolve("meta").resolve(id).resolve("journal.jsonl")))
        .contains("Unrecognized token")
        .doesNotContain(head);
    String stdout = log(id, "s0-spawn", "stdout");
    assertThat(stdout).isEqualTo("whole=***\ncut=***\n");
    assertThat(log(id, "s0-spawn", "stderr")).isEqualTo("tail=***");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-spawn").body()).doesNotContain(head);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.output().contains("run " + id + " task s0-spawn attempt 1 FAILED"));
    assertThat(node.output()).doesNotContain(head);
    assertThat(filesHolding(data().resolve("meta").resolve(id), head)).isEmpty();
    assertThat(filesHolding(data().resolve("meta"), head)).isEmpty();
  }

  @Test
  void spawnEntriesHoldingASecretAreKeptEncryptedAndPrivate() throws IOException {
    String secret = secret();
    String head = secret.substring(0, 8);
    String id = create("carry", secret);

    JsonObject run = awaitEnded(id);

    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(log(id, "s0-t0", "stdout")).isEqualTo("***\n");
    assertThat(log(id, "s0-t1", "stdout")).isEqualTo("plain\n");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0").body()).doesNotContain(head);
    Path meta = data().resolve("meta").resolve(id);
    Path copy = meta.resolve("spawn-0.json");
    assertThat(copy).exists();
    assertThat(Files.getPosixFilePermissions(copy)).isEqualTo(perms("rw-------"));
    assertThat(Files.getPosixFilePermissions(meta)).isEqualTo(perms("rwx------"));
    assertThat(Files.getPosixFilePermissions(data().resolve("meta"))).isEqualTo(perms("rwx------"));
    assertThat(meta.resolve("secrets.json")).doesNotExist();
    assertThat(meta.resolve("secrets.enc")).as("removed once the run ended").doesNotExist();
    assertThat(filesHolding(meta, head)).isEmpty();
    assertThat(node.output()).doesNotContain(head);
  }

  private static String create(String job, String secret) {
    Http.Response created = http.post("/api/jobs/" + job + "/runs", Map.of("X-Token", secret));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static JsonObject awaitEnded(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                    .contains(http.get("/api/runs/" + id).json().getString("state")));
    return http.get("/api/runs/" + id).json();
  }

  private static String log(String id, String task, String stream) {
    Http.Response log = http.get("/api/runs/" + id + "/tasks/" + task + "/log?stream=" + stream);
    assertThat(log.status()).as(log.body()).isEqualTo(200);
    return log.body();
  }

  /** A secret of 336 letters and digits, a bare token to a JSON parser. */
  private static String secret() {
    SecureRandom random = new SecureRandom();
    StringBuilder s = new StringBuilder("tok");
    while (s.length() < 336) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  /** Every file under {@code dir} whose bytes hold {@code text}. */
  private static List<Path> filesHolding(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> holds(f, needle)).toList();
    }
  }

  private static boolean holds(Path file, byte[] needle) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<java.nio.file.attribute.PosixFilePermission> perms(String text) {
    return java.nio.file.attribute.PosixFilePermissions.fromString(text);
  }

  private static Path data() {
    return work.resolve("data");
  }
}
