package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.FileTrees;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.TestNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node running as root runs tasks as {@code nobody}: a spy task cannot read the engine's state
 * under {@code meta/} (another run's secret among it), nor the node's environment with its API key,
 * nor (in a PID namespace of its own) the command line of another run's task. Runs only as root,
 * with a data directory every user can reach.
 */
class TaskIsolationIT {
  /** The node's own flowbus-session on x86_64 Linux, util-linux setsid elsewhere. */
  private static final String SESSION_PROGRAM =
      List.of("amd64", "x86_64").contains(System.getProperty("os.arch"))
          ? "flowbus-session"
          : "setsid";

  private static final String JOBS =
      """
      tasks:
        hold:
          exec_command: sh
          exec_args: [-c, "touch holding; sleep 60", hold, "{token}"]
          input: {token: {source: http-header, key: X-Token}}
        spy:
          exec_command: sh
          exec_args:
            - -c
            - >
              cat "$FLOWBUS_RUN_DIR"/../../meta/*/* "$FLOWBUS_RUN_DIR"/../../meta/*/*/*;
              tr '\\0' '\\n' </proc/$PPID/environ;
              id -un; echo mine > mine.txt
        procspy:
          exec_command: sh
          exec_args:
            - -c
            - >
              for f in /proc/[0-9]*/cmdline; do echo "$f: $(tr '\\0' ' ' <$f)"; done;
              echo "processes: $(ls -d /proc/[0-9]* | wc -l)"
      jobs:
        hold:
          input: {token: {source: http-header, key: X-Token}}
          stages: [{name: hold, task_class: hold}]
        spy:
          stages: [{name: spy, task_class: spy}]
        procspy:
          stages: [{name: spy, task_class: procspy}]
      """;

  private final String apiKey = "key-" + UUID.randomUUID();
  private final String secret = "secret-" + UUID.randomUUID();
  private Path base;

  @BeforeEach
  void setUp() throws IOException {
    assumeThat(System.getProperty("user.name")).as("runs as root").isEqualTo("root");
    // @TempDir folders are mode 0700, which no other user can pass: this one is 0755
    base = Files.createTempDirectory(Path.of("/tmp"), "flowbus-isolation-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(base.resolve("jobs.yaml"), JOBS);
  }

  @AfterEach
  void tearDown() throws IOException {
    if (base != null) {
      FileTrees.delete(base);
    }
  }

  @Test
  void aSpyTaskSeesNeitherTheEngineStateNorAnotherRunsSecretNorTheApiKey() {
    try (JarNode node = start("nobody")) {
      Http http = node.http().withHeaders(Map.of("X-API-Key", apiKey));
      assertThat(node.http().get("/ready").json().getString("task_user")).isEqualTo("nobody");
      String holder =
          http.post("/api/jobs/hold/runs", Map.of("X-Token", secret)).json().getString("id");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(base.resolve("data/runs/" + holder + "/holding")));

      String spy = runSpy(http);

      String out = log(http, spy, "stdout");
      String err = log(http, spy, "stderr");
      assertThat(out + err)
          .doesNotContain(secret)
          .doesNotContain(apiKey)
          .doesNotContain(holder); // every journal names its run
      assertThat(out).contains("nobody");
      assertThat(err).contains("Permission denied");
      Path mine = base.resolve("data/runs/" + spy + "/mine.txt");
      assertThat(mine).hasContent("mine");
      http.post("/api/runs/" + holder + "/cancel");
    }
  }

  @Test
  void aSpyTaskSeesOnlyItsOwnProcessesNotTheCommandLineOfAnotherRunsTask() {
    try (JarNode node = start("nobody")) {
      Http http = node.http().withHeaders(Map.of("X-API-Key", apiKey));
      assumeThat(node.http().get("/ready").json().getBoolean("task_namespaces"))
          .as("this host can create namespaces")
          .isTrue();
      assertThat(node.http().get("/ready").json().getJsonArray("task_programs").getList())
          .as("flowbus-session does it all where it runs, else the util-linux chain")
          .isEqualTo(
              SESSION_PROGRAM.equals("setsid")
                  ? List.of("setsid", "unshare", "sh", "setpriv")
                  : List.of(SESSION_PROGRAM));
      String holder =
          http.post("/api/jobs/hold/runs", Map.of("X-Token", secret)).json().getString("id");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(base.resolve("data/runs/" + holder + "/holding")));

      String spy = runSpy(http, "procspy");

      String out = log(http, spy, "stdout") + log(http, spy, "stderr");
      assertThat(out).contains("/proc/1/cmdline").doesNotContain("sleep 60");
      for (int i = 0; i + 8 <= secret.length(); i++) {
        assertThat(out).doesNotContain(secret.substring(i, i + 8));
      }
      String count = out.lines().filter(l -> l.startsWith("processes: ")).findFirst().orElseThrow();
      assertThat(Integer.parseInt(count.substring("processes: ".length())))
          .as("its init, its shell, ls and wc at most: %s", out)
          .isBetween(2, 6);
      http.post("/api/runs/" + holder + "/cancel");
    }
  }

  @Test
  void withTheNodesOwnUserTheSameSpyReadsTheApiKey() {
    try (JarNode node = start("same")) {
      Http http = node.http().withHeaders(Map.of("X-API-Key", apiKey));
      assertThat(node.http().get("/ready").json().getValue("task_user")).isNull();
      assertThat(node.http().get("/ready").json().getJsonArray("task_programs").getList())
          .containsExactly(SESSION_PROGRAM);

      String spy = runSpy(http);

      assertThat(log(http, spy, "stdout"))
          .as("the spy is able to find what the isolation hides")
          .contains("FLOWBUS_API_KEY=" + apiKey);
    }
  }

  private JarNode start(String taskUser) {
    List<String> args =
        List.of(
            "--config", base.resolve("jobs.yaml").toString(),
            "--data-dir", base.resolve("data").toString(),
            "--local-dir", base.resolve("local").toString(),
            "--cluster-name", TestNodes.uniqueClusterName(),
            "--task-user", taskUser);
    return JarNode.start(base, TestNodes.freePort(), args, Map.of("FLOWBUS_API_KEY", apiKey))
        .awaitReady();
  }

  private static String runSpy(Http http) {
    return runSpy(http, "spy");
  }

  private static String runSpy(Http http, String job) {
    String id = http.post("/api/jobs/" + job + "/runs").json().getString("id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "SUCCEEDED".equals(http.get("/api/runs/" + id).json().getString("state")));
    return id;
  }

  private static String log(Http http, String run, String stream) {
    return http.get("/api/runs/" + run + "/tasks/s0-t0/log?stream=" + stream).body();
  }
}
