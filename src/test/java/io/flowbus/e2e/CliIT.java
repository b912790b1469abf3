package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.JarNode;
import io.flowbus.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees from the command line: the node's options, and the commands of the same jar run
 * as processes against a node of the jar, in a pipe and in a pseudo-terminal.
 */
class CliIT {
  private static final Pattern RUN_ID = Pattern.compile("run (\\S+) \\(word-count\\)");

  @TempDir static Path shared;
  static JarNode node;

  @TempDir Path work;

  @BeforeAll
  static void startNode() {
    node =
        JarNode.start(
                shared,
                TestNodes.freePort(),
                List.of(
                    "--data-dir",
                    JarNode.pathOf(shared.resolve("data")),
                    "--cluster-name",
                    TestNodes.uniqueClusterName()),
                java.util.Map.of())
            .awaitReady();
  }

  /** SIGTERM drains the node, and a clean drain exits 0 (not 143). */
  @AfterAll
  static void aCleanSigtermStopExits0() {
    node.terminate();
    assertThat(node.waitFor(Duration.ofSeconds(90))).as(node.output()).isZero();
    assertThat(node.output()).contains("draining").contains("left the cluster");
  }

  /** The jar with a command, against the node. */
  private JarNode.Result cli(String... args) {
    return JarNode.run(work, withServer(args));
  }

  private static List<String> withServer(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--server", "http://127.0.0.1:" + node.port()));
    return all;
  }

  @Test
  void runFollowInAPipePrintsPlainLinesAndExits0WhenTheRunSucceeds() {
    JarNode.Result result = cli("run", "word-count", "-p", "lines_per_section=10", "--follow");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .containsPattern("stage Count Sections: SUCCEEDED, (\\d+)/\\1 done, 0 failed")
        .contains("stage Store Title: SUCCEEDED, 1/1 done")
        .contains("stage Sum: SUCCEEDED, 1/1 done")
        .containsPattern("run \\S+ SUCCEEDED after \\d+:\\d\\d")
        .doesNotContain("\u001b");
    String id = runId(result);
    JarNode.Result logs = cli("logs", id, "s2-t0");
    assertThat(logs.exitCode()).as(logs.output()).isZero();
    assertThat(cli("status", id).output()).contains("state    SUCCEEDED");
    assertThat(cli("runs", "--job", "word-count", "--state", "SUCCEEDED").output()).contains(id);
  }

  @Test
  void runFollowInATerminalDrawsLiveProgressAndExits0() {
    Assumptions.assumeTrue(JarNode.canRunInTerminal(), "no script (util-linux) here");

    JarNode.Result result =
        JarNode.runInTerminal(
            work, withServer("run", "word-count", "-p", "lines_per_section=10", "--follow"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("Count Sections")
        .contains("###")
        .containsPattern("(\\d+)/\\1  failed 0")
        .contains("\u001b[")
        .containsPattern("run \\S+ SUCCEEDED after \\d+:\\d\\d")
        .doesNotContain("stage Count Sections: ");
  }

  @Test
  void runFollowPipedFromATerminalPrintsPlainLinesIntoThePipe() throws Exception {
    Assumptions.assumeTrue(JarNode.canRunInTerminal(), "no script (util-linux) here");

    JarNode.Result result =
        JarNode.runInTerminalPiped(
            work,
            withServer("run", "word-count", "-p", "lines_per_section=10", "--follow"),
            "piped.txt");

    assertThat(result.exitCode()).as(result.output()).isZero();
    String piped = Files.readString(work.resolve("piped.txt"));
    assertThat(piped)
        .containsPattern("run \\S+ SUCCEEDED after \\d+:\\d\\d")
        .doesNotContain("\u001b");
    assertThat(result.output()).doesNotContain("###");
  }

  @Test
  void aFailedRunExits1AndItsLogsAreAtHand() {
    JarNode.Result result = cli("run", "word-count", "-p", "book=missing.txt", "--follow");

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).containsPattern("run \\S+ FAILED after .*split-book failed");
    JarNode.Result stderr = cli("logs", runId(result), "s0-spawn", "--stderr");
    assertThat(stderr.exitCode()).isZero();
    assertThat(stderr.output()).contains("book not found: missing.txt");
  }

  @Test
  void aCancelledRunIsCancelledAndFollowingItExits1() {
    JarNode.Result started = cli("run", "word-count", "-p", "lines_per_section=1");
    assertThat(started.exitCode()).as(started.output()).isZero();
    String id = started.output().strip();

    JarNode.Result cancelled = cli("cancel", id);

    assertThat(cancelled.exitCode()).as(cancelled.output()).isZero();
    assertThat(cancelled.output()).contains("run " + id + ": CANCELLED");
    JarNode.Result followed = cli("status", id, "--follow");
    assertThat(followed.exitCode()).as(followed.output()).isEqualTo(1);
    assertThat(followed.output()).contains("run " + id + " CANCELLED");
  }

  @Test
  void aProblemOfTheServerIsShownAsItsDetail() {
    JarNode.Result result = cli("status", "no-such-run");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output().strip())
        .isEqualTo("flowbus: Run not found: no run has the id 'no-such-run' (404)");
  }

  @Test
  void validateAnswers0ForAValidFile() {
    JarNode.Result result =
        JarNode.run(
            work,
            List.of(
                "validate", Path.of("example/task_job_config.yaml").toAbsolutePath().toString()));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("is valid");
  }

  private static String runId(JarNode.Result result) {
    Matcher m = RUN_ID.matcher(result.output());
    assertThat(m.find()).as(result.output()).isTrue();
    return m.group(1);
  }

  @Test
  void helpListsEveryOptionWithItsVariable() {
    JarNode.Result help = JarNode.run(work, List.of("--help"));
    assertThat(help.exitCode()).isZero();
    for (String option :
        List.of(
            "--settings",
            "--config",
            "--roles",
            "--port",
            "--data-dir",
            "--slots",
            "--cluster-name",
            "--cluster-members",
            "--cluster-host",
            "--cluster-public-host",
            "--kubernetes-service-dns",
            "--api-key",
            "--local-dir",
            "--task-user")) {
      assertThat(help.output()).contains(option);
    }
    assertThat(help.output())
        .contains("FLOWBUS_CLUSTER_MEMBERS")
        .contains("FLOWBUS_API_KEY")
        .contains("FLOWBUS_SLOTS")
        .contains("FLOWBUS_SETTINGS")
        .contains("FLOWBUS_LOCAL_DIR")
        .contains("FLOWBUS_TASK_USER");
  }

  @Test
  void invalidDefinitionsStopTheNodeWithEveryProblem() throws Exception {
    Path bad = work.resolve("bad.yaml");
    Files.writeString(
        bad,
        "tasks:\n  a: {exec_command: a, exec_args: [\"{nope}\"]}\njobs:\n  request-data:\n    stages:\n      - {name: x, task_class: a}\n      - {name: y, task_class: a, spawn_task: spawn_dl}\n");

    JarNode.Result result =
        JarNode.run(
            work,
            List.of("--config", bad.toString(), "--data-dir", work.resolve("data").toString()));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .contains("bad.yaml:2:")
        .contains("tasks.a.exec_args[0]: placeholder {nope} is not a declared input")
        .contains("bad.yaml:7:")
        .contains("jobs.request-data.stages[1].spawn_task: unknown task class 'spawn_dl'");
    JarNode.Result validated = JarNode.run(work, List.of("validate", bad.toString()));
    assertThat(validated.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .as("the node reports as validate does")
        .contains(validated.output());
  }

  @Test
  void aBadOptionIsRefused() {
    JarNode.Result result = JarNode.run(work, List.of("--roles", "boss"));
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("unknown role 'boss'");
  }
}
