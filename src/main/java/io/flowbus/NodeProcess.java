package io.flowbus;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.flowbus.cli.Cli;
import io.flowbus.cli.DefinitionsReport;
import io.flowbus.config.NodeCommandLine;
import io.flowbus.config.NodeConfig;
import io.flowbus.definitions.DefinitionsException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.utils.Signals;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code flowbus node [options]}: flags, environment and settings file become one {@link
 * NodeConfig}, a node starts with it and runs until it is stopped. Exit codes: 0 after a clean stop
 * (SIGTERM drains, then exits 0), 2 for bad options or definitions, 1 when the node cannot start or
 * does not stop cleanly.
 *
 * <p>SIGTERM is taken here rather than left to the JVM: the JVM would run the shutdown hook and
 * then exit with 143 (128 + 15) whatever the hook did, and a hook cannot choose the exit code
 * ({@code System.exit} in a hook blocks for ever). So SIGTERM only wakes the main thread, which
 * drains the node and answers 0. Other ways out (Ctrl-C, SIGHUP) still drain through the hook.
 */
final class NodeProcess {
  private final PrintWriter err;
  private final Map<String, String> environment;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean stopped = new AtomicBoolean();

  NodeProcess(PrintWriter err, Map<String, String> environment) {
    this.err = err;
    this.environment = environment;
  }

  int run(List<String> args) {
    NodeCommandLine command;
    NodeConfig config;
    try {
      command = NodeCommandLine.parse(args.toArray(String[]::new), environment);
      CommandLine cli = command.cli();
      if (cli.isUsageHelpRequested()) {
        cli.usage(cli.getOut());
        return Cli.OK;
      }
      if (cli.isVersionHelpRequested()) {
        cli.printVersionHelp(cli.getOut());
        return Cli.OK;
      }
      config = command.toConfig();
    } catch (CommandLine.ParameterException e) {
      err.println("flowbus: " + e.getMessage());
      e.getCommandLine().usage(err);
      return Cli.USAGE;
    } catch (IllegalArgumentException e) {
      err.println("flowbus: " + e.getMessage());
      return Cli.USAGE;
    }
    preferFastSpawning();
    chooseLogFormat(config.jsonLogs());
    System.setProperty("hazelcast.logging.type", "slf4j");
    return start(config);
  }

  private int start(NodeConfig config) {
    Node node = new Node(config);
    try {
      node.start().toCompletionStage().toCompletableFuture().join();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof DefinitionsException invalid) {
        DefinitionsReport.print(config.definitions(), invalid, err);
        return Cli.USAGE;
      }
      err.println("flowbus: the node could not start: " + cause);
      err.flush();
      node.stopAndWait();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnce(node), "flowbus-shutdown"));
    Signals.register("TERM", terminated::countDown);
    try {
      terminated.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return stopOnce(node) ? Cli.OK : 1;
  }

  /** Drains and stops the node, the first time only; whether it stopped cleanly. */
  private boolean stopOnce(Node node) {
    return stopped.compareAndSet(false, true) && node.stopAndWait();
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
