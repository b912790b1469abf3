package io.flowbus.config;

import io.flowbus.model.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
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

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      defaultValue = "${env:FLOWBUS_CLUSTER_NAME:-flowbus}",
      description =
          "[FLOWBUS_CLUSTER_NAME] nodes join only a cluster of this name (default: ${DEFAULT-VALUE})")
  String clusterName;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOSTS",
      defaultValue = "${env:FLOWBUS_CLUSTER_MEMBERS}",
      description =
          "[FLOWBUS_CLUSTER_MEMBERS] comma-separated host[:port] of nodes to join across hosts"
              + " (default: every node on this host, over loopback)")
  String clusterMembers;

  @Option(
      names = "--cluster-host",
      paramLabel = "HOST",
      defaultValue = "${env:FLOWBUS_CLUSTER_HOST}",
      description = "[FLOWBUS_CLUSTER_HOST] address to bind cluster and event-bus traffic to")
  String clusterHost;

  @Option(
      names = "--cluster-public-host",
      paramLabel = "HOST",
      defaultValue = "${env:FLOWBUS_CLUSTER_PUBLIC_HOST}",
      description =
          "[FLOWBUS_CLUSTER_PUBLIC_HOST] address other nodes reach this one at, if not --cluster-host (NAT)")
  String clusterPublicHost;

  @Option(
      names = "--cluster-interface",
      paramLabel = "PATTERN",
      defaultValue = "${env:FLOWBUS_CLUSTER_INTERFACE}",
      description =
          "[FLOWBUS_CLUSTER_INTERFACE] interface pattern to bind to, e.g. 172.28.0.* on a compose network")
  String clusterInterface;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      defaultValue = "${env:FLOWBUS_CLUSTER_PORT:-5701}",
      description =
          "[FLOWBUS_CLUSTER_PORT] first cluster (Hazelcast) port; the next free one is taken (default: ${DEFAULT-VALUE})")
  int clusterPort;

  @Option(
      names = "--event-bus-port",
      paramLabel = "PORT",
      defaultValue = "${env:FLOWBUS_EVENT_BUS_PORT:-0}",
      description =
          "[FLOWBUS_EVENT_BUS_PORT] event-bus port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int eventBusPort;

  @Option(
      names = "--kubernetes-service-dns",
      paramLabel = "NAME",
      defaultValue = "${env:FLOWBUS_KUBERNETES_SERVICE_DNS}",
      description =
          "[FLOWBUS_KUBERNETES_SERVICE_DNS] headless Service to discover nodes with on Kubernetes,"
              + " e.g. flowbus.default.svc.cluster.local")
  String kubernetesServiceDns;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:FLOWBUS_API_KEY}",
      description =
          "[FLOWBUS_API_KEY] a key with every right (admin); once a key is set, every /api"
              + " request needs one in header X-API-Key")
  String apiKey;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_API_KEY_FILE}",
      description =
          "[FLOWBUS_API_KEY_FILE] read the API key from the first line of this file instead;"
              + " unlike --api-key it is not in the node's environment")
  String apiKeyFile;

  @Option(
      names = "--api-keys-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_API_KEYS_FILE}",
      description =
          "[FLOWBUS_API_KEYS_FILE] more API keys, one '<key> <role>' per line, role read,"
              + " operate or admin")
  String apiKeysFile;

  @Option(
      names = "--metrics-public",
      paramLabel = "BOOL",
      defaultValue = "${env:FLOWBUS_METRICS_PUBLIC:-false}",
      arity = "0..1",
      description =
          "[FLOWBUS_METRICS_PUBLIC] serve /metrics without a key even when keys are set"
              + " (default: ${DEFAULT-VALUE})")
  boolean metricsPublic;

  @Option(
      names = "--webhook-secret",
      paramLabel = "SECRET",
      defaultValue = "${env:FLOWBUS_WEBHOOK_SECRET}",
      description =
          "[FLOWBUS_WEBHOOK_SECRET] sign notifications with HMAC-SHA256 of this secret"
              + " (header X-Flowbus-Signature); prefer --webhook-secret-file")
  String webhookSecret;

  @Option(
      names = "--webhook-secret-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_WEBHOOK_SECRET_FILE}",
      description =
          "[FLOWBUS_WEBHOOK_SECRET_FILE] read the webhook secret from the first line of this file;"
              + " unlike --webhook-secret it shows neither in ps nor in the environment")
  String webhookSecretFile;

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
    String format = logFormat.trim().toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new IllegalArgumentException(
          "--log-format must be text or json, not '" + logFormat + "'");
    }
    Path data = Path.of(dataDir).toAbsolutePath().normalize();
    Path definitions =
        config == null || config.isBlank()
            ? defaultDefinitions(data)
            : Path.of(config).toAbsolutePath();
    if (!Files.exists(definitions)) {
      throw new IllegalArgumentException(
          "--config: the definitions file " + definitions + " does not exist");
    }
    return new NodeConfig(
        definitions,
        named("--roles", roles, Role::parseList),
        checkPort("--port", port),
        data,
        slots == null ? Runtime.getRuntime().availableProcessors() : slots,
        clusterName,
        list(clusterMembers),
        blankToNull(clusterHost),
        blankToNull(clusterPublicHost),
        blankToNull(clusterInterface),
        checkPort("--cluster-port", clusterPort),
        eventBusPort,
        blankToNull(kubernetesServiceDns),
        ApiKeySource.resolve(apiKey, apiKeyFile, apiKeysFile),
        binDir(definitions),
        format.equals("json"),
        named("--drain-timeout", drainTimeout, Durations::parse),
        named("--task-log-limit", taskLogLimit, Sizes::parse),
        named("--spawn-limit", spawnLimit, Sizes::parse),
        named("--body-limit", bodyLimit, Sizes::parse),
        fsync,
        blankToNull(localDir) == null
            ? null
            : Path.of(localDir.trim()).toAbsolutePath().normalize(),
        taskUser(),
        metricsPublic,
        blankToNull(retention) == null ? null : named("--retention", retention, Durations::parse),
        WebhookSecret.resolve(webhookSecret, webhookSecretFile));
  }

  /** The user tasks run as, null for the node's own: by default nobody when the node is root. */
  private String taskUser() {
    if (taskUser == null) {
      return runsAsRoot() ? "nobody" : null;
    }
    String user = taskUser.trim();
    return user.isEmpty() || user.equals("same") ? null : user;
  }

  private static boolean runsAsRoot() {
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

  /** Parses an option's text, naming the option when it is bad. */
  private static <T> T named(String option, String text, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static int checkPort(String option, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(option + " must be a port from 1 to 65535, not " + port);
    }
    return port;
  }

  private static List<String> list(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
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
