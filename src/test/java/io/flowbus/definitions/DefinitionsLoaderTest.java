package io.flowbus.definitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.flowbus.model.ArgTemplate;
import io.flowbus.model.Definitions;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.StageDef;
import io.flowbus.model.StageGraph;
import io.flowbus.model.TaskClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DefinitionsLoaderTest {
  private static final Path FIXTURES = Path.of("src/test/resources/definitions");
  private static final Path VALID = FIXTURES.resolve("valid");
  private static final Path INVALID = FIXTURES.resolve("invalid");
  private static final Path EXAMPLE = Path.of("example/task_job_config.yaml");

  /**
   * {@code # expect: <line>: <path>: <message substring>}; the path is empty for whole-file ones.
   */
  private static final Pattern EXPECT = Pattern.compile("^# expect: (\\d+): (.*?): (.+)$");

  // ---------------------------------------------------------------- valid files

  static Stream<Path> validFiles() throws IOException {
    return yamlFiles(VALID);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFiles")
  void validFileLoads(Path file) throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(file);

    assertThat(definitions.tasks()).isNotEmpty();
    assertThat(definitions.jobs()).isNotEmpty();
    definitions
        .jobs()
        .values()
        .forEach(
            job ->
                job.stages()
                    .forEach(
                        stage -> {
                          assertThat(definitions.tasks()).containsKey(stage.taskClass());
                          if (stage.spawns()) {
                            assertThat(definitions.tasks()).containsKey(stage.spawnTask());
                          }
                        }));
  }

  @Test
  void thereAreSeveralValidFixtures() throws IOException {
    assertThat(validFiles()).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void seedDownloadArgsComeOutAsTheCommandGetsThem() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("seed.yaml"));

    TaskClass download = definitions.tasks().get("download");
    assertThat(download.execCommand().text()).isEqualTo("wget");
    assertThat(download.execArgs())
        .extracting(ArgTemplate::text)
        .containsExactly(
            "-d", "--header=Authorization: {basic_auth}", "{url}", "-P", "{output_path}");
    assertThat(download.execArgs().get(1).placeholders()).containsExactly("basic_auth");
    assertThat(download.execArgs().get(2).placeholders()).containsExactly("url");
    assertThat(download.execArgs().get(4).placeholders()).containsExactly("output_path");
    Map<String, String> values =
        Map.of("basic_auth", "Basic dTpw", "url", "https://x/f1", "output_path", "./out");
    assertThat(download.execArgs())
        .extracting(a -> a.render(values::get))
        .containsExactly("-d", "--header=Authorization: Basic dTpw", "https://x/f1", "-P", "./out");
  }

  @Test
  void seedTasksAndJobReadAsWritten() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("seed.yaml"));

    assertThat(definitions.tasks())
        .containsOnlyKeys("export-data", "spawn_download_tasks", "download");
    TaskClass export = definitions.tasks().get("export-data");
    assertThat(export.name()).isEqualTo("Export Data");
    assertThat(export.inputs()).containsOnlyKeys("data_id", "REST_ENDPOINT", "LOG_LEVEL");
    assertThat(export.inputs().get("REST_ENDPOINT").source()).isEqualTo(InputSource.ENVIRONMENT);
    assertThat(export.execArgs())
        .extracting(ArgTemplate::text)
        .containsExactly(
            "--data_id",
            "{data_id}",
            "--endpoint",
            "{REST_ENDPOINT}",
            "--log_level",
            "{LOG_LEVEL}");
    // the seed format knows none of the extensions: their defaults apply
    assertThat(export.timeout()).isNull();
    assertThat(export.retries()).isZero();
    assertThat(export.retryBackoff()).isEqualTo(Duration.ofSeconds(1));

    JobDef job = definitions.job("request-data").orElseThrow();
    assertThat(job.name()).isEqualTo("Requests Data");
    InputSpec auth = job.inputs().get("basic_auth");
    assertThat(auth.source()).isEqualTo(InputSource.HTTP_HEADER);
    assertThat(auth.key()).isEqualTo("Authorization");
    assertThat(auth.secret()).isTrue();
    assertThat(auth.required()).isTrue();
    assertThat(job.stages())
        .containsExactly(
            new StageDef("Request Data", "export-data", null, true, 0),
            new StageDef("Download Data", "download", "spawn_download_tasks", false, 0));
  }

  @Test
  void extensionsAreRead() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("extensions.yaml"));

    TaskClass fetch = definitions.tasks().get("fetch");
    assertThat(fetch.timeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(fetch.retries()).isEqualTo(3);
    assertThat(fetch.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(fetch.inputs().get("chunk").required()).isTrue();
    assertThat(fetch.inputs().get("mirror").required()).isFalse();
    InputSpec token = fetch.inputs().get("TOKEN");
    assertThat(token.environmentVariable()).isEqualTo("FETCH_TOKEN");
    assertThat(token.defaultValue()).isEqualTo("anonymous");
    assertThat(token.required()).isFalse();
    assertThat(fetch.inputs().get("PROXY").environmentVariable()).isEqualTo("PROXY");
    assertThat(definitions.tasks().get("split").timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(definitions.tasks().get("report").timeout()).isEqualTo(Duration.ofMinutes(10));

    JobDef job = definitions.job("fetch-all").orElseThrow();
    assertThat(job.inputs().get("chunks").defaultValue()).isEqualTo("8");
    assertThat(job.inputs().get("chunks").required()).isFalse();
    assertThat(job.inputs().get("auth").required()).isFalse();
    assertThat(job.stages())
        .extracting(StageDef::maxParallel, StageDef::jobFailedOnError)
        .containsExactly(tuple(2, false), tuple(1, true));
  }

  @Test
  void flowStyleAndPlaceholderInCommandLoad() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("flow-style.yaml"));

    assertThat(definitions.tasks().get("echo").execCommand().placeholders())
        .containsExactly("tool");
    assertThat(definitions.jobs()).containsOnlyKeys("one", "two");
    assertThat(definitions.job("two").orElseThrow().stages()).hasSize(2);
  }

  @Test
  void projectExampleLoads() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(EXAMPLE);

    assertThat(definitions.jobs()).containsKeys("request-data", "word-count");
    assertThat(definitions.job("request-data").orElseThrow().stages())
        .extracting(StageDef::taskClass, StageDef::spawnTask)
        .containsExactly(tuple("export-data", null), tuple("download", "spawn_download_tasks"));
    assertThat(definitions.tasks().get("download").execArgs())
        .extracting(ArgTemplate::text)
        .containsExactly(
            "-d", "--header=Authorization: {basic_auth}", "{url}", "-P", "{output_path}");
  }

  @Test
  void stageDefaultsWhenLeftOut() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("minimal.yaml"));

    StageDef stage = definitions.job("say-hello").orElseThrow().stages().get(0);
    assertThat(stage.jobFailedOnError()).isTrue();
    assertThat(stage.maxParallel()).isZero();
    assertThat(stage.spawns()).isFalse();
    JobDef job = definitions.job("say-hello").orElseThrow();
    assertThat(job.name()).isEqualTo("say-hello");
    assertThat(job.description()).isEmpty();
    assertThat(definitions.tasks().get("hello").name()).isEqualTo("hello");
  }

  @Test
  void yesAndNoAreBooleans() throws DefinitionsException {
    Definitions definitions =
        DefinitionsLoader.parse(
            """
            tasks: {t: {exec_command: echo}}
            jobs:
              j:
                stages:
                  - {name: A, task_class: t, job_failed_on_error: yes}
                  - {name: B, task_class: t, job_failed_on_error: no}
                  - {name: C, task_class: t, job_failed_on_error: False}
            """,
            "test.yaml");

    assertThat(definitions.job("j").orElseThrow().stages())
        .extracting(StageDef::jobFailedOnError)
        .containsExactly(true, false, false);
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkLoad() throws IOException, DefinitionsException {
    String minimal = Files.readString(VALID.resolve("minimal.yaml"), StandardCharsets.UTF_8);

    Definitions definitions =
        DefinitionsLoader.parse("\uFEFF" + minimal.replace("\n", "\r\n"), "windows.yaml");

    assertThat(definitions.jobs()).containsOnlyKeys("say-hello");
  }

  @Test
  void onIsTrue() throws DefinitionsException {
    Definitions definitions =
        DefinitionsLoader.parse(
            """
            tasks: {t: {exec_command: echo}}
            jobs:
              j:
                stages:
                  - {name: A, task_class: t, job_failed_on_error: on}
            """,
            "test.yaml");

    assertThat(definitions.job("j").orElseThrow().stages().get(0).jobFailedOnError()).isTrue();
  }

  @Test
  void aDeclaredGraphIsReadWithItsTolerances() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(VALID.resolve("graph.yaml"));

    JobDef dag = definitions.job("dag").orElseThrow();
    assertThat(dag.stages())
        .extracting(StageDef::dependsOn)
        .containsExactly(List.of(), null, List.of("split"), List.of("fan", "title"));
    StageGraph graph = StageGraph.of(dag);
    assertThat(graph.declared()).isTrue();
    assertThat(graph.dependencies(1)).as("declares none: starts at once").isEmpty();
    assertThat(graph.dependencyNames(3)).containsExactly("fan", "title");
    assertThat(dag.stages())
        .extracting(s -> s.tolerance().toString(), StageDef::jobFailedOnError)
        .containsExactly(tuple("0", true), tuple("0", true), tuple("5%", false), tuple("0", true));

    JobDef sequence = definitions.job("sequence").orElseThrow();
    assertThat(StageGraph.of(sequence).declared()).as("names may repeat in a sequence").isFalse();
    assertThat(StageGraph.of(sequence).dependencies(1)).containsExactly(0);
    assertThat(sequence.stages())
        .extracting(s -> s.tolerance().toString())
        .containsExactly("2", "100%");
  }

  @Test
  void hugeTimeoutIsReportedNotThrown() {
    String yaml =
        """
        tasks:
          t:
            exec_command: sleep
            timeout: 9999999999999999h
        jobs:
          j:
            stages: [{name: S, task_class: t}]
        """;

    assertThatThrownBy(() -> DefinitionsLoader.parse(yaml, "test.yaml"))
        .isInstanceOf(DefinitionsException.class);
  }

  // ---------------------------------------------------------------- invalid files

  static Stream<Path> invalidFiles() throws IOException {
    return yamlFiles(INVALID);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void invalidFileReportsWhatItsHeaderExpects(Path file) throws IOException {
    List<Expected> expected = expectations(file);
    assertThat(expected).as("'# expect:' lines of " + file).isNotEmpty();

    List<Problem> problems = problemsOf(file);

    for (Expected e : expected) {
      assertThat(problems)
          .as("problems of %s", file)
          .anySatisfy(
              p -> {
                assertThat(p.line()).isEqualTo(e.line());
                assertThat(p.path()).isEqualTo(e.path());
                assertThat(p.message()).contains(e.message());
              });
    }
    // one rule per file: nothing else is reported
    assertThat(problems).as("problems of %s", file).hasSameSizeAs(expected);
    assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo(file.toString()));
    assertThat(problems).allSatisfy(p -> assertThat(p.column()).isPositive());
  }

  @Test
  void thereIsAnInvalidFixtureForEveryRule() throws IOException {
    assertThat(invalidFiles()).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnceSortedByLine() {
    Path file = FIXTURES.resolve("several-problems.yaml");

    List<Problem> problems = problemsOf(file);

    assertThat(problems)
        .extracting(Problem::line, Problem::path)
        .containsExactly(
            tuple(7, "jobs.j.stages[0].task_class"),
            tuple(8, "jobs.j.stages[0].max_parallel"),
            tuple(10, "jobs.k.stages"),
            tuple(14, "tasks.t.exec_args[0]"),
            tuple(15, "tasks.t.retries"),
            tuple(17, "tasks.u.exec_command"),
            tuple(18, "tasks.t"));
    assertThat(problems)
        .extracting(Problem::message)
        .containsExactly(
            "unknown task class 'missing'",
            "must be at least 1, not 0",
            "needs at least one stage",
            "placeholder {nope} is not a declared input (declared: none)",
            "must be a whole number, not 'many'",
            "is required",
            "duplicate key 't' (first at line 12)");
  }

  @Test
  void exceptionMessageListsEveryProblem() {
    DefinitionsException e =
        catchThrowableOfType(
            DefinitionsException.class,
            () -> DefinitionsLoader.load(FIXTURES.resolve("several-problems.yaml")));

    assertThat(e.getMessage()).startsWith("7 problems in the definitions:");
    assertThat(DefinitionsLoader.describe(e))
        .hasSize(7)
        .first()
        .asString()
        .endsWith(
            "several-problems.yaml:7:21: jobs.j.stages[0].task_class: unknown task class 'missing'");
  }

  @Test
  void problemWithoutPathPrintsNoPath() {
    assertThat(new Problem("f.yaml", 3, 1, "", "invalid YAML: x"))
        .hasToString("f.yaml:3:1: invalid YAML: x");
    assertThat(new Problem("f.yaml", 3, 5, "tasks.t", "boom"))
        .hasToString("f.yaml:3:5: tasks.t: boom");
  }

  @Test
  void parseNamesTheFileItWasGiven() {
    DefinitionsException e =
        catchThrowableOfType(
            DefinitionsException.class,
            () -> DefinitionsLoader.parse("tasks: {}\n", "upload.yaml"));

    assertThat(e.problems())
        .extracting(Problem::file, Problem::line, Problem::path, Problem::message)
        .containsExactly(tuple("upload.yaml", 1, "", "'jobs:' is missing"));
  }

  @Test
  void aFileThatCannotBeReadIsAProblem() {
    Path missing = FIXTURES.resolve("no-such-file.yaml");

    DefinitionsException e =
        catchThrowableOfType(DefinitionsException.class, () -> DefinitionsLoader.load(missing));

    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo(missing.toString());
              assertThat(p.message()).startsWith("cannot read the file");
            });
  }

  @Test
  void aBrokenTaskClassIsReportedOnceNotAgainAtTheStagesUsingIt() {
    String yaml =
        """
        tasks:
          t:
            exec_command: echo
            input:
              a: {source: parameter}
            retries: lots
        jobs:
          j:
            stages: [{name: S, task_class: t}]
        """;

    DefinitionsException e =
        catchThrowableOfType(
            DefinitionsException.class, () -> DefinitionsLoader.parse(yaml, "test.yaml"));

    assertThat(e.problems()).extracting(Problem::path).containsExactly("tasks.t.retries");
  }

  // ---------------------------------------------------------------- helpers

  private static Stream<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  private static List<Problem> problemsOf(Path file) {
    DefinitionsException e =
        catchThrowableOfType(DefinitionsException.class, () -> DefinitionsLoader.load(file));
    assertThat(e).as("%s should not load", file).isNotNull();
    return e.problems();
  }

  private record Expected(int line, String path, String message) {}

  private static List<Expected> expectations(Path file) throws IOException {
    List<Expected> expected = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.startsWith("#")) {
        break;
      }
      Matcher m = EXPECT.matcher(line);
      if (m.matches()) {
        expected.add(new Expected(Integer.parseInt(m.group(1)), m.group(2), m.group(3)));
      }
    }
    return expected;
  }
}
