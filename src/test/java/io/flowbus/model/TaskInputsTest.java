package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskInputsTest {
  private static final TaskClass TASK =
      taskClass(
          param("url", null, true),
          param("output_path", "./out", false),
          param("mode", null, false),
          param("token", null, true),
          env("LOG_LEVEL", null, "info", false),
          env("ENDPOINT", "REST_ENDPOINT", null, true));

  @Test
  void aSpawnEntryWinsOverTheJobInputAndTheDefault() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(
            TASK,
            Map.of("url", "job-url", "output_path", "job-out", "token", "t"),
            Map.of("url", "entry-url", "output_path", "entry-out"));

    assertThat(r.values())
        .containsEntry("url", "entry-url")
        .containsEntry("output_path", "entry-out");
  }

  @Test
  void aJobInputWinsOverTheDefault() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(
            TASK, Map.of("url", "u", "output_path", "job-out", "token", "t"), Map.of());

    assertThat(r.values()).containsEntry("output_path", "job-out");
  }

  @Test
  void anOptionalJobInputLeftOutRendersAsEmptyUnlessTheTaskHasADefault() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(
            TASK, Map.of("url", "u"), java.util.Set.of("token", "output_path"), Map.of());

    assertThat(r.missing()).isEmpty();
    assertThat(r.values())
        .containsEntry("token", "")
        .containsEntry("output_path", "./out")
        .doesNotContainKey("mode");
  }

  @Test
  void aRequiredJobInputLeftOutIsStillMissingForTheTask() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(TASK, Map.of("url", "u"), java.util.Set.of(), Map.of());

    assertThat(r.missing()).containsExactly("token");
  }

  @Test
  void theDefaultIsUsedWhenNothingElseProvidesAValue() {
    TaskInputs.Resolution r = TaskInputs.resolve(TASK, Map.of("url", "u", "token", "t"), Map.of());

    assertThat(r.values())
        .containsExactly(
            Map.entry("url", "u"), Map.entry("output_path", "./out"), Map.entry("token", "t"));
    assertThat(r.missing()).isEmpty();
  }

  @Test
  void anEmptyValueIsAValue() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(TASK, Map.of("url", "u", "token", "t"), Map.of("output_path", ""));

    assertThat(r.values()).containsEntry("output_path", "");
  }

  @Test
  void requiredInputsThatNothingProvidesAreListed() {
    TaskInputs.Resolution r = TaskInputs.resolve(TASK, Map.of(), Map.of());

    assertThat(r.missing()).containsExactly("url", "token");
    assertThat(r.values()).containsExactly(Map.entry("output_path", "./out"));
  }

  @Test
  void anOptionalInputWithoutValueIsNeitherResolvedNorMissing() {
    TaskInputs.Resolution r = TaskInputs.resolve(TASK, Map.of("url", "u", "token", "t"), Map.of());

    assertThat(r.values()).doesNotContainKey("mode");
    assertThat(r.missing()).doesNotContain("mode");
  }

  @Test
  void valuesForUndeclaredNamesAreIgnored() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(
            TASK, Map.of("url", "u", "token", "t", "data_id", "42"), Map.of("extra", "x"));

    assertThat(r.values()).doesNotContainKeys("data_id", "extra");
  }

  @Test
  void environmentInputsAreLeftForTheWorker() {
    TaskInputs.Resolution r =
        TaskInputs.resolve(
            TASK,
            Map.of("url", "u", "token", "t", "LOG_LEVEL", "from-job"),
            Map.of("ENDPOINT", "from-entry"));

    assertThat(r.fromEnvironment())
        .extracting(InputSpec::name)
        .containsExactly("LOG_LEVEL", "ENDPOINT");
    assertThat(r.values()).doesNotContainKeys("LOG_LEVEL", "ENDPOINT");
    assertThat(r.missing()).isEmpty();
  }

  @Test
  void resolveEnvironmentReadsTheVariableThenTheDefault() {
    List<InputSpec> fromEnvironment =
        TaskInputs.resolve(TASK, Map.of(), Map.of()).fromEnvironment();
    Map<String, String> environment = Map.of("REST_ENDPOINT", "https://api", "ENDPOINT", "wrong");
    Map<String, String> into = new LinkedHashMap<>();

    List<String> missing = TaskInputs.resolveEnvironment(fromEnvironment, environment::get, into);

    assertThat(missing).isEmpty();
    assertThat(into)
        .containsExactly(Map.entry("LOG_LEVEL", "info"), Map.entry("ENDPOINT", "https://api"));
  }

  @Test
  void theEnvironmentWinsOverTheDefault() {
    Map<String, String> into = new HashMap<>();

    TaskInputs.resolveEnvironment(
        List.of(env("LOG_LEVEL", null, "info", false)), Map.of("LOG_LEVEL", "debug")::get, into);

    assertThat(into).containsExactly(Map.entry("LOG_LEVEL", "debug"));
  }

  @Test
  void resolveEnvironmentListsTheMissingVariables() {
    List<InputSpec> inputs =
        List.of(
            env("ENDPOINT", "REST_ENDPOINT", null, true),
            env("LOG_LEVEL", null, null, true),
            env("PROXY", null, null, false));
    Map<String, String> into = new HashMap<>();

    List<String> missing = TaskInputs.resolveEnvironment(inputs, name -> null, into);

    assertThat(missing).containsExactly("REST_ENDPOINT", "LOG_LEVEL");
    assertThat(into).isEmpty();
  }

  @Test
  void resolveEnvironmentAddsToWhatIsThere() {
    Map<String, String> into = new HashMap<>(Map.of("url", "u"));

    TaskInputs.resolveEnvironment(
        List.of(env("LOG_LEVEL", null, "info", false)), name -> null, into);

    assertThat(into).containsOnlyKeys("url", "LOG_LEVEL");
  }

  @Test
  void httpHeaderInputsResolveByNameLikeParameters() {
    InputSpec auth =
        new InputSpec("basic_auth", "", InputSource.HTTP_HEADER, "Authorization", null, true);
    TaskClass task = taskClass(auth);

    TaskInputs.Resolution r = TaskInputs.resolve(task, Map.of("basic_auth", "Basic x"), Map.of());

    assertThat(r.values()).containsExactly(Map.entry("basic_auth", "Basic x"));
    assertThat(auth.secret()).isTrue();
    assertThat(param("url", null, true).secret()).isFalse();
  }

  private static InputSpec param(String name, String defaultValue, boolean required) {
    return new InputSpec(name, "", InputSource.PARAMETER, null, defaultValue, required);
  }

  private static InputSpec env(String name, String key, String defaultValue, boolean required) {
    return new InputSpec(name, "", InputSource.ENVIRONMENT, key, defaultValue, required);
  }

  private static TaskClass taskClass(InputSpec... inputs) {
    Map<String, InputSpec> byName = new LinkedHashMap<>();
    for (InputSpec input : inputs) {
      byName.put(input.name(), input);
    }
    return new TaskClass(
        "t", "t", "", byName, ArgTemplate.parse("cmd"), List.of(), null, 0, Duration.ofSeconds(1));
  }
}
