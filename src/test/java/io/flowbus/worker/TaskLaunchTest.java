package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.TaskKind;
import io.flowbus.storage.DataLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskLaunchTest {
  private static final String RUN_ID = "20261126-124823-432-7hmx";
  private static final long LOG_LIMIT = 64 * 1024;

  @TempDir Path tmp;

  private DataLayout layout;
  private Path bin;

  @BeforeEach
  void setUp() throws IOException {
    layout = new DataLayout(tmp.resolve("data"));
    bin = Files.createDirectories(tmp.resolve("bin"));
  }

  // --- command line ----------------------------------------------------------------------------

  @Test
  void placeholdersAreRenderedFromTheValues() {
    TaskAssignment task =
        task(
            "s1-t3",
            TaskKind.TASK,
            3,
            "{tool}",
            List.of("--id={data_id}", "{data_id}-{part}", "plain", "{unknown}", "{not a name}"),
            Map.of("tool", "process-data", "data_id", "a-1", "part", "x; rm -rf /"),
            List.of());

    CommandSpec spec = launch(Map.of("PATH", "/usr/bin:/bin")).spec(task);

    assertThat(spec.argv())
        .containsExactly(
            "process-data", "--id=a-1", "a-1-x; rm -rf /", "plain", "", "{not a name}");
  }

  @Test
  void environmentInputsAreReadFromTheWorkerEnvironmentElseTheirDefault() {
    TaskAssignment task =
        task(
            "s1-t3",
            TaskKind.TASK,
            3,
            "tool",
            List.of("--region={region}", "--token={token}", "--level={level}"),
            Map.of(),
            List.of(
                env("region", "FLOWBUS_TEST_REGION", "eu-west", false),
                env("token", "API_TOKEN", null, true),
                env("level", null, "info", false)));
    Map<String, String> environment =
        Map.of("PATH", "/usr/bin", "API_TOKEN", "t0k3n", "FLOWBUS_TEST_REGION", "us-east");

    CommandSpec spec = launch(environment).spec(task);

    assertThat(spec.argv())
        .containsExactly("tool", "--region=us-east", "--token=t0k3n", "--level=info");
  }

  @Test
  void environmentInputWithoutAKeyReadsTheVariableOfItsName() {
    TaskAssignment task =
        task(
            "s1-t3",
            TaskKind.TASK,
            3,
            "tool",
            List.of("{level}"),
            Map.of(),
            List.of(env("level", null, "info", false)));

    assertThat(launch(Map.of("level", "debug")).spec(task).argv()).containsExactly("tool", "debug");
  }

  @Test
  void missingRequiredEnvironmentInputNamesTheVariable() {
    TaskAssignment task =
        task(
            "s1-t3",
            TaskKind.TASK,
            3,
            "tool",
            List.of("{token}"),
            Map.of(),
            List.of(env("token", "API_TOKEN", null, true)));

    assertThatThrownBy(() -> launch(Map.of("PATH", "/usr/bin")).spec(task))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API_TOKEN")
        .hasMessageContaining("not set");
  }

  @Test
  void everyMissingVariableIsNamed() {
    TaskAssignment task =
        task(
            "s1-t3",
            TaskKind.TASK,
            3,
            "tool",
            List.of(),
            Map.of(),
            List.of(
                env("a", "VAR_A", null, true),
                env("b", "VAR_B", null, false),
                env("c", "VAR_C", null, true)));

    assertThatThrownBy(() -> launch(Map.of()).spec(task))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VAR_A, VAR_C are not set")
        .hasMessageNotContaining("VAR_B");
  }

  // --- environment -----------------------------------------------------------------------------

  @Test
  void taskGetsTheFlowbusVariables() {
    TaskAssignment task =
        task("s2-t7", TaskKind.TASK, 7, "tool", List.of(), Map.of(), List.of(), 2, 0);

    Map<String, String> env =
        launch(Map.of("PATH", "/usr/bin", "HOME", "/root")).spec(task).environment();

    Path workspace = layout.workspace(RUN_ID);
    assertThat(env)
        .containsEntry("FLOWBUS_RUN_ID", RUN_ID)
        .containsEntry("FLOWBUS_RUN_DIR", workspace.toString())
        .containsEntry("FLOWBUS_STAGE_INDEX", "2")
        .containsEntry("FLOWBUS_TASK_INDEX", "7")
        .containsEntry("FLOWBUS_TASK_ID", "s2-t7")
        .containsEntry("FLOWBUS_TASK_KIND", "task")
        .containsEntry("FLOWBUS_ATTEMPT", "2")
        .containsEntry("HOME", "/root");
  }

  @Test
  void spawnTaskHasNoTaskIndexEvenWhenTheWorkerHasOne() {
    TaskAssignment task =
        task("s1-spawn", TaskKind.SPAWN, -1, "lister", List.of(), Map.of(), List.of());

    Map<String, String> env =
        launch(Map.of("PATH", "/usr/bin", "FLOWBUS_TASK_INDEX", "9", "FLOWBUS_RUN_ID", "old"))
            .spec(task)
            .environment();

    assertThat(env)
        .doesNotContainKey("FLOWBUS_TASK_INDEX")
        .containsEntry("FLOWBUS_RUN_ID", RUN_ID)
        .containsEntry("FLOWBUS_STAGE_INDEX", "1")
        .containsEntry("FLOWBUS_TASK_KIND", "spawn");
  }

  @Test
  void pathStartsWithTheBinDirectory() {
    TaskAssignment task = task("s1-t3", TaskKind.TASK, 3, "tool", List.of(), Map.of(), List.of());

    assertThat(launch(Map.of("PATH", "/usr/bin:/bin")).spec(task).environment())
        .containsEntry("PATH", bin + ":/usr/bin:/bin");
    assertThat(launch(Map.of()).spec(task).environment())
        .containsEntry("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
    assertThat(
            new TaskLaunch(layout, null, LOG_LIMIT, Map.of("PATH", "/usr/bin"))
                .spec(task)
                .environment())
        .containsEntry("PATH", "/usr/bin");
  }

  @Test
  void programInTheBinDirectoryShadowsTheSystemOne() throws IOException {
    Path ours = bin.resolve("true");
    Files.writeString(ours, "#!/bin/sh\n");
    Files.setPosixFilePermissions(ours, PosixFilePermissions.fromString("rwxr-xr-x"));
    TaskAssignment task = task("s1-t3", TaskKind.TASK, 3, "true", List.of(), Map.of(), List.of());

    CommandSpec spec = launch(Map.of("PATH", System.getenv("PATH"))).spec(task);

    assertThat(ExecutableLookup.find("true", spec.workDir(), spec.environment().get("PATH")))
        .isEqualTo(ours.toString());
  }

  // --- the rest of the spec --------------------------------------------------------------------

  @Test
  void workDirLogsSecretsLimitsAndTimeout() {
    TaskAssignment task =
        new TaskAssignment(
            RUN_ID,
            "s1-t3",
            2,
            1,
            3,
            TaskKind.TASK,
            "tool",
            List.of(),
            Map.of(),
            List.of(),
            List.of("s3cret"),
            1500);

    CommandSpec spec = launch(Map.of()).spec(task);

    assertThat(spec.workDir()).isEqualTo(tmp.resolve("data").resolve("runs").resolve(RUN_ID));
    assertThat(spec.stdout()).isEqualTo(layout.log(RUN_ID, "s1-t3", 2, "stdout"));
    assertThat(spec.stderr()).isEqualTo(layout.log(RUN_ID, "s1-t3", 2, "stderr"));
    assertThat(spec.stdout()).isNotEqualTo(spec.stderr());
    assertThat(spec.stdout().startsWith(spec.workDir())).as("logs outside the workspace").isFalse();
    assertThat(spec.secrets()).containsExactly("s3cret");
    assertThat(spec.logLimit()).isEqualTo(LOG_LIMIT);
    assertThat(spec.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(spec.stopGrace()).isEqualTo(TaskLaunch.STOP_GRACE);
  }

  @Test
  void zeroTimeoutMeansNone() {
    TaskAssignment task = task("s1-t3", TaskKind.TASK, 3, "tool", List.of(), Map.of(), List.of());

    assertThat(launch(Map.of()).spec(task).timeout()).isNull();
  }

  @Test
  void workerEnvironmentChangesAfterConstructionDoNotLeakIn() {
    Map<String, String> environment = new HashMap<>(Map.of("PATH", "/usr/bin"));
    TaskLaunch launch = launch(environment);
    environment.put("LATE", "x");
    TaskAssignment task = task("s1-t3", TaskKind.TASK, 3, "tool", List.of(), Map.of(), List.of());

    assertThat(launch.spec(task).environment()).doesNotContainKey("LATE");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private TaskLaunch launch(Map<String, String> environment) {
    return new TaskLaunch(layout, bin, LOG_LIMIT, environment);
  }

  private static TaskAssignment task(
      String taskId,
      TaskKind kind,
      int index,
      String command,
      List<String> args,
      Map<String, String> values,
      List<InputSpec> environmentInputs) {
    return task(taskId, kind, index, command, args, values, environmentInputs, 1, 0);
  }

  private static TaskAssignment task(
      String taskId,
      TaskKind kind,
      int index,
      String command,
      List<String> args,
      Map<String, String> values,
      List<InputSpec> environmentInputs,
      int attempt,
      long timeoutMillis) {
    int stage = Integer.parseInt(taskId.substring(1, taskId.indexOf('-')));
    return new TaskAssignment(
        RUN_ID,
        taskId,
        attempt,
        stage,
        index,
        kind,
        command,
        args,
        values,
        environmentInputs,
        List.of(),
        timeoutMillis);
  }

  private static InputSpec env(String name, String variable, String defaultValue, boolean req) {
    return new InputSpec(name, "", InputSource.ENVIRONMENT, variable, defaultValue, req);
  }
}
