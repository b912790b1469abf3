package io.flowbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Flags, environment and settings file become one NodeConfig, in that order of precedence. */
class NodeCommandLineTest {
  private static final String DEFINITIONS = "example/task_job_config.yaml";

  @TempDir Path dir;

  @Test
  void aFlagBeatsItsVariableWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
    String settings =
        settings(
            "port: 8081",
            "slots: 3",
            "cluster-name: from-file",
            "data-dir: " + dir.resolve("file-data"));
    Map<String, String> env = Map.of("FLOWBUS_PORT", "8082", "FLOWBUS_SLOTS", "5");

    NodeConfig config = config(env, "--settings", settings, "--port", "8083");

    assertThat(config.port()).as("flag over variable and file").isEqualTo(8083);
    assertThat(config.slots()).as("variable over file").isEqualTo(5);
    assertThat(config.clusterName()).as("file over default").isEqualTo("from-file");
    assertThat(config.dataDir()).isEqualTo(dir.resolve("file-data"));
    assertThat(config.clusterPort()).as("default").isEqualTo(5701);
    assertThat(config.bodyLimit()).as("default").isEqualTo(1024 * 1024);
  }

  @Test
  void theFileIsNamedByItsVariableTooAndListsMayBeWrittenEitherWay() throws IOException {
    String settings =
        settings(
            "roles: [worker]",
            "cluster-members: [a, 'b:5702']",
            "fsync: false",
            "drain-timeout: 5s",
            "api-key:");

    NodeConfig config = config(Map.of("FLOWBUS_SETTINGS", settings));

    assertThat(config.roles()).containsExactly(Role.WORKER);
    assertThat(config.clusterMembers()).containsExactly("a", "b:5702");
    assertThat(config.fsync()).isFalse();
    assertThat(config.drainTimeout()).hasSeconds(5);
    assertThat(config.apiKeys().isEmpty()).as("an empty value is no value").isTrue();
    assertThat(config(Map.of(), "--settings", settings("roles: controller")).roles())
        .containsExactly(Role.CONTROLLER);
  }

  @Test
  void valuesAreTakenAsWritten() throws IOException {
    NodeConfig config = config(Map.of(), "--settings", settings("api-key: '${env:HOME}x'"));

    assertThat(config.apiKeys().roleOf("${env:HOME}x")).isEqualTo(AccessRole.ADMIN);
  }

  @Test
  void anUnknownKeyIsRefusedByNameWithTheFile() throws IOException {
    String settings = settings("prot: 8081");

    assertThatThrownBy(() -> config(Map.of(), "--settings", settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(settings)
        .hasMessageContaining("unknown key 'prot'")
        .hasMessageContaining("port, ");
    String nested = settings("settings: other.yaml");
    assertThatThrownBy(() -> config(Map.of(), "--settings", nested))
        .hasMessageContaining("unknown key 'settings'");
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedByKeyAndFile() throws IOException {
    assertRefused("port: abc", "key 'port' of settings file", "'abc' is not an int");
    assertRefused("fsync: maybe", "key 'fsync' of settings file", "'maybe' is not a boolean");
    assertRefused("slots: -1", "--slots must be at least 1", "key 'slots' of settings file");
    assertRefused("port: 70000", "--port must be a port", "key 'port' of settings file");
    assertRefused("drain-timeout: soon", "--drain-timeout: 'soon' is not a duration", "key 'drain");
    assertRefused("roles: [boss]", "--roles: unknown role 'boss'", "key 'roles' of settings file");
    assertRefused("cluster-name: {a: b}", "key 'cluster-name' must be a value or a list");
    assertRefused("- port", "is not a YAML map of options");
  }

  @Test
  void aBadValueFromAFlagOrVariableIsNotBlamedOnTheFile() throws IOException {
    String settings = settings("slots: 2");

    assertThatThrownBy(() -> config(Map.of(), "--settings", settings, "--slots", "0"))
        .hasMessage("--slots must be at least 1");
    assertThatThrownBy(() -> config(Map.of("FLOWBUS_PORT", "abc"), "--settings", settings))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageNotContaining("settings file");
  }

  @Test
  void brokenYamlIsPlacedByLineWithoutQuotingTheLineThatMayHoldAKey() throws IOException {
    String settings = settings("port: 8081", "api-key: \"TopSecretApiKey-9f8e7d6c");

    assertThatThrownBy(() -> config(Map.of(), "--settings", settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(settings)
        .hasMessageContaining("line ")
        .hasMessageNotContaining("TopSecret");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> config(Map.of(), "--settings", missing.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("settings file " + missing + " does not exist");
  }

  @Test
  void aMissingDefinitionsFileIsNamedAsMissingNotAsInvalid() throws IOException {
    Path missing = dir.resolve("no-such-jobs.yaml");

    assertThatThrownBy(
            () ->
                NodeCommandLine.parse(new String[] {"--config", missing.toString()}, Map.of())
                    .toConfig())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--config: the definitions file " + missing + " does not exist");
  }

  @Test
  void theKeysFileAndAPublicMetricsComeFromFlagsVariablesOrTheSettingsFile() throws IOException {
    Path keys = Files.writeString(dir.resolve("keys"), "r3ad read\n");

    NodeConfig byVariable =
        config(Map.of("FLOWBUS_API_KEYS_FILE", keys.toString(), "FLOWBUS_METRICS_PUBLIC", "true"));
    NodeConfig byFlag = config(Map.of(), "--api-keys-file", keys.toString(), "--metrics-public");
    NodeConfig bySettings =
        config(Map.of(), "--settings", settings("api-keys-file: " + keys, "metrics-public: true"));
    NodeConfig byDefault = config(Map.of());

    for (NodeConfig config : List.of(byVariable, byFlag, bySettings)) {
      assertThat(config.apiKeys().roleOf("r3ad")).isEqualTo(AccessRole.READ);
      assertThat(config.metricsPublic()).isTrue();
    }
    assertThat(byDefault.apiKeys().isEmpty()).isTrue();
    assertThat(byDefault.metricsPublic()).isFalse();
  }

  @Test
  void retentionIsADurationInDaysOrLessFromAFlagOrTheSettingsFileAndKeepsEverythingByDefault()
      throws IOException {
    assertThat(config(Map.of(), "--retention", "7d").retention()).hasDays(7);
    assertThat(config(Map.of(), "--settings", settings("retention: 12h")).retention()).hasHours(12);
    assertThat(config(Map.of("FLOWBUS_RETENTION", "30s")).retention()).hasSeconds(30);
    assertThat(config(Map.of()).retention()).isNull();

    assertThatThrownBy(() -> config(Map.of(), "--retention", "7x"))
        .hasMessageContaining("--retention")
        .hasMessageContaining("'7x' is not a duration");
    assertThatThrownBy(() -> config(Map.of(), "--retention", "0s"))
        .hasMessage("--retention must be longer than 0");
    assertRefused("retention: 0d", "retention", "longer than 0");
  }

  @Test
  void theWebhookSecretComesFromAFlagItsVariableTheSettingsFileOrAFileAndNeverShows()
      throws IOException {
    Path secretFile = Files.writeString(dir.resolve("webhook-secret"), "  s3cr3t-hook \nignored\n");

    List<NodeConfig> configs =
        List.of(
            config(Map.of(), "--webhook-secret", "s3cr3t-hook"),
            config(Map.of("FLOWBUS_WEBHOOK_SECRET", "s3cr3t-hook")),
            config(Map.of(), "--settings", settings("webhook-secret: s3cr3t-hook")),
            config(Map.of(), "--webhook-secret-file", secretFile.toString()),
            config(Map.of("FLOWBUS_WEBHOOK_SECRET_FILE", secretFile.toString())));

    for (NodeConfig config : configs) {
      assertThat(new String(config.webhookSecret().bytes(), StandardCharsets.UTF_8))
          .isEqualTo("s3cr3t-hook");
      assertThat(config.toString()).doesNotContain("s3cr3t");
    }
    assertThat(config(Map.of()).webhookSecret().isSet()).isFalse();
    assertThatThrownBy(
            () ->
                config(
                    Map.of(),
                    "--webhook-secret",
                    "x",
                    "--webhook-secret-file",
                    secretFile.toString()))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () -> config(Map.of(), "--webhook-secret-file", dir.resolve("none").toString()))
        .hasMessageContaining("--webhook-secret-file")
        .hasMessageContaining("does not exist");
  }

  @Test
  void everyOptionWithAVariableIsAKeyWithNoCodeOfItsOwn() {
    CommandLine cli = new CommandLine(new NodeOptions());
    Set<String> options =
        cli.getCommandSpec().options().stream()
            .filter(o -> !o.usageHelp() && !o.versionHelp())
            .map(OptionSpec::longestName)
            .map(name -> name.substring(2))
            .filter(name -> !name.equals("settings"))
            .collect(Collectors.toSet());

    assertThat(OptionDefaults.keys(cli.getCommandSpec())).isEqualTo(options).contains("data-dir");
  }

  private void assertRefused(String line, String... parts) throws IOException {
    String settings = settings(line);
    assertThatThrownBy(() -> config(Map.of(), "--settings", settings))
        .as(line)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(settings)
        .hasMessageContainingAll(parts);
  }

  private static NodeConfig config(Map<String, String> env, String... flags) {
    List<String> args = new ArrayList<>(List.of("--config", DEFINITIONS));
    args.addAll(List.of(flags));
    return NodeCommandLine.parse(args.toArray(String[]::new), env).toConfig();
  }

  private String settings(String... lines) throws IOException {
    Path file = Files.createTempFile(dir, "settings-", ".yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file.toString();
  }
}
