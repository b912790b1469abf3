package io.flowbus.config;

import static io.flowbus.config.OptionText.blankToNull;
import static io.flowbus.config.OptionText.checkPort;
import static io.flowbus.config.OptionText.list;
import static io.flowbus.config.OptionText.named;

import io.flowbus.model.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line. Every option also reads an environment variable, so that containers are
 * configured with environment alone, and a key of the settings file ({@link SettingsFile}); a flag
 * given wins over the variable, and the variable over the file.
 */
@Command(
    name = "flowbus",
    mixinStandardHelpOptions = true,
    versionProvider = NodeOptions.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Starts a flowbus node. Nodes started with the same settings form one cluster by themselves.",
      "Each option also reads the environment variable named in brackets, and the key of the"
          + " same name in the --settings file."
    },
    footer = {
      "",
      "This is flowbus node, also what runs without a command. The other commands (validate, run,"
          + " runs, status, logs, cancel, pause, resume, retry): flowbus help"
    })
public final class NodeOptions {
  @Option(
      names = "--settings",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_SETTINGS}",
      description =
          "[FLOWBUS_SETTINGS] YAML file of these options, keyed by their long names (port: 8081);"
              + " flags and environment win over it")
  String settings;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_CONFIG}",
      description =
          "[FLOWBUS_CONFIG] definitions file (default: example/task_job_config.yaml if"
              + " present, else the example built into the jar)")
  String config;

  @Option(
      names = "--roles",
      paramLabel = "ROLES",
      defaultValue = "${env:FLOWBUS_ROLES:-controller,worker}",
      description = "[FLOWBUS_ROLES] controller, worker, or both (default: ${DEFAULT-VALUE})")
  String roles;

  @Option(
      names = "--port",
      defaultValue = "${env:FLOWBUS_PORT:-8080}",
      description =
          "[FLOWBUS_PORT] HTTP port for /api, /health, /ready, /metrics (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:FLOWBUS_DATA_DIR:-./data}",
      description =
          "[FLOWBUS_DATA_DIR] shared volume for run workspaces, journals and logs (default: ${DEFAULT-VALUE})")
  String dataDir;

  @Option(
      names = "--slots",
      paramLabel = "N",
      defaultValue = "${env:FLOWBUS_SLOTS}",
      description = "[FLOWBUS_SLOTS] tasks this worker runs at once (default: the CPU count)")
  Integer slots;

  @Mixin final ClusterOptions cluster = new ClusterOptions();

  @Mixin final AccessOptions access = new AccessOptions();

  @Option(
      names = "--bin-dir",
      paramLabel = "DIR",
      defaultValue = "${env:FLOWBUS_BIN_DIR}",
      description =
          "[FLOWBUS_BIN_DIR] put first on the PATH of tasks (default: bin/ beside the definitions file)")
  String binDir;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:FLOWBUS_LOG_FORMAT:-text}",
      description = "[FLOWBUS_LOG_FORMAT] text or json (default: ${DEFAULT-VALUE})")
  String logFormat;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:FLOWBUS_DRAIN_TIMEOUT:-30s}",
      description =
          "[FLOWBUS_DRAIN_TIMEOUT] on SIGTERM, how long running tasks may finish before they are"
              + " handed back (default: ${DEFAULT-VALUE})")
  String drainTimeout;

  @Option(
      names = "--task-log-limit",
      paramLabel = "SIZE",
      defaultValue = "${env:FLOWBUS_TASK_LOG_LIMIT:-1MB}",
      description =
          "[FLOWBUS_TASK_LOG_LIMIT] bytes kept of each task attempt's stdout and stderr (default: ${DEFAULT-VALUE})")
  String taskLogLimit;

  @Option(
      names = "--spawn-limit",
      paramLabel = "SIZE",
      defaultValue = "${env:FLOWBUS_SPAWN_LIMIT:-16MB}",
      description = "[FLOWBUS_SPAWN_LIMIT] largest spawn.json accepted (default: ${DEFAULT-VALUE})")
  String spawnLimit;

  @Option(
      names = "--body-limit",
      paramLabel = "SIZE",
      defaultValue = "${env:FLOWBUS_BODY_LIMIT:-1MB}",
      description = "[FLOWBUS_BODY_LIMIT] largest REST request body (default: ${DEFAULT-VALUE})")
  String bodyLimit;

  @Option(
      names = "--fsync",
      paramLabel = "BOOL",
      defaultValue = "${env:FLOWBUS_FSYNC:-true}",
      arity = "1",
      description =
          "[FLOWBUS_FSYNC] force journal writes to disk before acknowledging them (default: ${DEFAULT-VALUE})")
  boolean fsync;

  @Option(
      names = "--local-dir",
      paramLabel = "DIR",
      defaultValue = "${env:FLOWBUS_LOCAL_DIR}",
      description =
          "[FLOWBUS_LOCAL_DIR] folder on local disk (not the shared volume) where running tasks"
              + " are recorded, so that what a crashed node left is stopped when a node starts"
              + " on this host (default: flowbus-<user> in the temporary directory)")
  String localDir;

  @Option(
      names = "--task-user",
      paramLabel = "USER",
      defaultValue = "${env:FLOWBUS_TASK_USER}",
      description =
          "[FLOWBUS_TASK_USER] user tasks run as; 'same' for the node's own user (default: nobody"
              + " when the node runs as root, else the node's own user)")
  String taskUser;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      defaultValue = "${env:FLOWBUS_RETENTION}",
      description =
          "[FLOWBUS_RETENTION] delete runs that ended longer ago than this (30s, 10m, 12h, 7d),"
              + " at start and once an hour (default: keep every run)")
  String retention;

  /** The settings, checked; throws {@link IllegalArgumentException} naming a bad option. */
  public NodeConfig toConfig() {
    boolean jsonLogs = jsonLogs();
    Path data = Path.of(dataDir).toAbsolutePath().normalize();
    Path definitions = definitions(data);
    return new NodeConfig(
        definitions,
        named("--roles", roles, Role::parseList),
        checkPort("--port", port),
        data,
        slots == null ? Runtime.getRuntime().availableProcessors() : slots,
        cluster.clusterName,
        list(cluster.clusterMembers),
        blankToNull(cluster.clusterHost),
        blankToNull(cluster.clusterPublicHost),
        blankToNull(cluster.clusterInterface),
        checkPort("--cluster-port", cluster.clusterPort),
        cluster.eventBusPort,
        blankToNull(cluster.kubernetesServiceDns),
        ApiKeySource.resolve(access.apiKey, access.apiKeyFile, access.apiKeysFile),
        binDir(definitions),
        jsonLogs,
        named("--drain-timeout", drainTimeout, Durations::parse),
        named("--task-log-limit", taskLogLimit, Sizes::parse),
        named("--spawn-limit", spawnLimit, Sizes::parse),
        named("--body-limit", bodyLimit, Sizes::parse),
        fsync,
        localDir(),
        taskUser(),
        access.metricsPublic,
        blankToNull(retention) == null ? null : named("--retention", retention, Durations::parse),
        WebhookSecret.resolve(access.webhookSecret, access.webhookSecretFile));
  }

  /** Whether logs are JSON lines; text else. */
  private boolean jsonLogs() {
    String format = logFormat.trim().toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException(
          "--log-format must be text or json, not '" + logFormat + "'");
    }
    return format.equals("json");
  }

  /** The definitions file: {@code --config}, else the example; it must exist. */
  private Path definitions(Path data) {
    Path definitions =
        config == null || config.isBlank()
            ? defaultDefinitions(data)
            : Path.of(config).toAbsolutePath();
    if (!Files.exists(definitions)) {
      throw new IllegalArgumentException(
          "--config: the definitions file " + definitions + " does not exist");
    }
    return definitions;
  }

  private Path localDir() {
    return blankToNull(localDir) == null
        ? null
        : Path.of(localDir.trim()).toAbsolutePath().normalize();
  }

  /** The user tasks run as, null for the node's own: by default nobody when the node is root. */
  private String taskUser() {
    if (taskUser == null) {
      return runsAsRoot() ? "nobody" : null;
    }
    String user = taskUser.trim();
    return user.isEmpty() || user.equals("same") ? null : user;
  }

  /** Whether this process runs as root (uid 0). */
  public static boolean runsAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /** The example beside the working directory, else the one inside the jar, copied out. */
  private static Path defaultDefinitions(Path dataDir) {
    Path local = Path.of("example", EmbeddedExample.DEFINITIONS);
    if (Files.isRegularFile(local)) {
      return local.toAbsolutePath();
    }
    try {
      return EmbeddedExample.extract(dataDir.resolve("example"));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "no --config given and the built-in example cannot be copied: " + e.getMessage(), e);
    }
  }

  private Path binDir(Path definitions) {
    if (binDir != null && !binDir.isBlank()) {
      return Path.of(binDir).toAbsolutePath().normalize();
    }
    if (definitions == null) {
      return null;
    }
    Path beside = definitions.toAbsolutePath().normalize().resolveSibling("bin");
    return Files.isDirectory(beside) ? beside : null;
  }

  /** The version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = NodeOptions.class.getPackage().getImplementationVersion();
      return new String[] {"flowbus " + (v == null ? "(development)" : v)};
    }
  }
}
