package io.flowbus.testing;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static io.flowbus.testing.DefinitionsBuilder.fanOutJob;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatThrownBy;
import static io.flowbus.testing.FlowbusAssertions.tuple;
import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.TaskClassBuilder.aTask;

import io.flowbus.model.ArgTemplate;
import io.flowbus.model.Definitions;
import io.flowbus.model.InputSource;
import io.flowbus.model.StageDef;
import io.flowbus.model.TaskClass;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the builder writes is what the loader reads, however odd the values. */
class DefinitionsBuilderTest {
  @Test
  void valuesYamlWouldMisreadArriveAsWritten() {
    String script = "printf '{\"n\": \"%s\"}' \"$1\" > spawn.json\necho done: yes";
    Definitions definitions =
        aDefinitions()
            .task(aTask("gen").shell(script, "{count}").parameter("count", "5"))
            .task(aTask("no-op").command("true").retries(2).retryBackoff("10s").timeout("1s"))
            .job(
                aJob("j")
                    .header("auth", "Authorization")
                    .spawnStage("fan", "gen", "no-op")
                    .jobFailedOnError(false)
                    .maxParallel(2)
                    .stage("last", "no-op"))
            .build();

    TaskClass gen = definitions.tasks().get("gen");
    assertThat(gen.execCommand().text()).isEqualTo("sh");
    assertThat(gen.execArgs())
        .extracting(ArgTemplate::text)
        .containsExactly("-c", script, "gen", "{count}");
    assertThat(gen.inputs().get("count").defaultValue()).isEqualTo("5");
    TaskClass noOp = definitions.tasks().get("no-op");
    assertThat(noOp.execCommand().text()).isEqualTo("true");
    assertThat(noOp.retries()).isEqualTo(2);
    assertThat(noOp.retryBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(noOp.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(definitions.job("j").orElseThrow().inputs().get("auth").source())
        .isEqualTo(InputSource.HTTP_HEADER);
    assertThat(definitions.job("j").orElseThrow().stages())
        .extracting(StageDef::spawnTask, StageDef::jobFailedOnError, StageDef::maxParallel)
        .containsExactly(tuple("gen", false, 2), tuple(null, true, 0));
  }

  @Test
  void invalidDefinitionsFailTheTestNamingTheProblemAndTheText() {
    assertThatThrownBy(() -> fanOutJob("j", "gen", "each").task(aTask("each").retries(-1)).build())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("tasks.each.retries")
        .hasMessageContaining("retries: -1");
    assertThatThrownBy(() -> fanOutJob("j", "gen", "each").plan("nope"))
        .hasMessageContaining("no job 'nope'");
  }
}
