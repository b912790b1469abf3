package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.JarNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees from the command line before any node runs. */
class CliIT {
  @TempDir Path work;

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
  }

  @Test
  void aBadOptionIsRefused() {
    JarNode.Result result = JarNode.run(work, List.of("--roles", "boss"));
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("unknown role 'boss'");
  }
}
