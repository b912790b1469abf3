package io.flowbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowbus validate}: the node's check of a definitions file, without a node. */
class ValidateCommandTest {
  @TempDir Path work;

  private final CliRunner cli = new CliRunner();

  @Test
  void theExampleIsValid() {
    assertThat(cli.execute("validate", "example/task_job_config.yaml")).isZero();

    assertThat(cli.out())
        .startsWith("example/task_job_config.yaml is valid: ")
        .contains("word-count", "request-data");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void aFileWithSeveralProblemsExits2WithEveryOneWhereItIs() throws Exception {
    Path bad = work.resolve("bad.yaml");
    Files.writeString(
        bad,
        "tasks:\n"
            + "  a: {exec_command: a, exec_args: [\"{nope}\"]}\n"
            + "jobs:\n"
            + "  j:\n"
            + "    colour: red\n"
            + "    stages:\n"
            + "      - {name: x, task_class: a}\n"
            + "      - {name: y, task_class: a, spawn_task: spawn_dl}\n");

    int code = cli.execute("validate", bad.toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.err())
        .startsWith("flowbus: the definitions in " + bad + " are invalid.\n3 problems")
        .contains(bad + ":2:")
        .contains("tasks.a.exec_args[0]: placeholder {nope} is not a declared input")
        .contains(bad + ":5:5: jobs.j.colour")
        .contains(bad + ":8:")
        .contains("jobs.j.stages[1].spawn_task: unknown task class 'spawn_dl'");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void aMissingFileExits2NamingIt() {
    Path missing = work.resolve("missing.yaml");

    assertThat(cli.execute("validate", missing.toString())).isEqualTo(2);

    assertThat(cli.err()).contains(missing + ":1:1").contains("cannot read the file");
  }
}
