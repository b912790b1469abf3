package io.flowbus.worker;

import io.flowbus.config.NodeConfig;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this host gives the worker to run tasks with: the sandbox they start in, the records of
 * their sessions, the command runner, and workspaces they can write. Prepared once at start, before
 * the worker takes any task: the sessions that a crashed earlier life of the node left running are
 * stopped first.
 */
final class TaskHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskHost.class);

  private final TaskSandbox sandbox;
  private final SessionRecords records;
  private final CommandRunner runner;

  private TaskHost(TaskSandbox sandbox, SessionRecords records, CommandRunner runner) {
    this.sandbox = sandbox;
    this.records = records;
    this.runner = runner;
  }

  /** Blocking: probes the host, stops leftovers (waiting up to the stop grace period for them). */
  static TaskHost prepare(
      NodeConfig config, DataLayout layout, ExecutorService pumps, ScheduledExecutorService timer)
      throws IOException {
    Files.createDirectories(layout.runsDir());
    List<Path> mustReach = new ArrayList<>(List.of(layout.runsDir()));
    if (config.binDir() != null) {
      mustReach.add(config.binDir());
    }
    TaskSandbox sandbox = TaskSandbox.detect(config.taskUser(), mustReach, launcher(config));
    if (sandbox.user() != null) {
      // the engine's own state: journals, logs, secrets, spawn entries
      Files.createDirectories(layout.metaDir());
      Files.setPosixFilePermissions(layout.metaDir(), PosixFilePermissions.fromString("rwx------"));
    }
    SessionRecords records = sandbox.ownSession() ? SessionRecords.open(config.localDir()) : null;
    if (records != null) {
      try {
        new LeftoverSessions(config.localDir(), SessionFolder.bootId())
            .stop(TaskLaunch.STOP_GRACE, timer);
      } catch (IOException | RuntimeException e) {
        records.close();
        throw e;
      }
    }
    return new TaskHost(sandbox, records, new CommandRunner(pumps, timer, sandbox, records));
  }

  /**
   * {@code flowbus-session}, written and tried; null (and one INFO saying why) when it cannot be.
   */
  private static SessionLauncher launcher(NodeConfig config) {
    try {
      return SessionLauncher.install(config.localDir());
    } catch (IOException | RuntimeException e) {
      LOG.info(
          "tasks start their session through setsid: flowbus-session cannot run from {}: {}",
          config.localDir(),
          e.getMessage());
      return null;
    }
  }

  CommandRunner runner() {
    return runner;
  }

  /** Creates the run's workspace, writable by the task user. */
  void createWorkspace(Path workDir) throws IOException {
    TaskUser user = sandbox.user();
    new Workspace(workDir).create(user == null ? -1 : user.uid(), user == null ? -1 : user.gid());
  }

  /** The user tasks run as when it is not the node's own; null when it is (no isolation). */
  String taskUser() {
    return sandbox.user() == null ? null : sandbox.user().name();
  }

  /** Whether each task runs in PID and mount namespaces of its own. */
  boolean taskNamespaces() {
    return sandbox.ownNamespaces();
  }

  /** The programs each task is started through before its command ({@code setsid}, ...). */
  List<String> taskPrograms() {
    return sandbox.programs();
  }

  @Override
  public void close() {
    if (records != null) {
      records.close();
    }
  }
}
