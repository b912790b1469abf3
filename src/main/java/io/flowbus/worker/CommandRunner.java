package io.flowbus.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts external commands without a shell: the argv goes to the program as it is, so no input
 * value can inject a command. Each command leads a session of its own (see {@link TaskSandbox}),
 * recorded in {@link SessionRecords} while it runs. Output is copied into size-capped, masked log
 * files, and the exit awaited, by pooled threads ({@link CommandWatch}: one for a command that ends
 * within milliseconds, three for one that runs longer; reused from one command to the next).
 */
final class CommandRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

  /** How old a pid mark read by another command may be to serve for the next start (100 ms). */
  private static final long RECENT_MARK_NANOS = 100_000_000;

  private final ExecutorService pumps;
  private final ScheduledExecutorService timer;
  private final TaskSandbox sandbox;
  private final SessionRecords records;
  private final long pidMax = PidMark.hostPidMax();
  private final Object sweeping = new Object();
  private final LeftoverSessions leftovers;
  private final NodeFolderWatch nodeFolders;

  /** The node folder's name, in each command's environment: a command not yet recorded is found. */
  private final String launchedBy;

  private final ExecutableLookup programs = new ExecutableLookup(System::nanoTime);

  /**
   * @param records where running sessions are noted for after a crash; null for nowhere
   */
  CommandRunner(
      ExecutorService pumps,
      ScheduledExecutorService timer,
      TaskSandbox sandbox,
      SessionRecords records) {
    this.pumps = pumps;
    this.timer = timer;
    this.sandbox = sandbox;
    this.records = records;
    this.leftovers =
        records == null
            ? null
            : new LeftoverSessions(records.folder().getParent(), SessionFolder.bootId());
    this.nodeFolders = records == null ? null : new NodeFolderWatch(records.folder().getParent());
    this.launchedBy = records == null ? null : records.folder().getFileName().toString();
  }

  /**
   * Starts the command; blocking (a fork takes milliseconds). Throws {@link
   * IllegalArgumentException} when the program cannot be found and {@link IOException} when it
   * cannot be started: the task fails with that message, it never hangs. It is followed on pooled
   * threads.
   */
  RunningCommand start(CommandSpec spec) throws IOException {
    Launched launched = launch(spec);
    launched.watch().start(pumps);
    return launched.command();
  }

  /**
   * Starts the command as {@link #start} does, tells {@code started}, then follows it on this
   * thread (a pool's thread: it waits for the exit, and more threads of the pool copy the output
   * when the command needs them), so that a command needs no hand-over between its start and its
   * watch. Returns once the exit is known and this thread's share of the output copied.
   */
  void run(CommandSpec spec, Consumer<RunningCommand> started) throws IOException {
    Launched launched = launch(spec);
    started.accept(launched.command());
    launched.watch().watch(pumps);
  }

  private record Launched(RunningCommand command, CommandWatch watch) {}

  private Launched launch(CommandSpec spec) throws IOException {
    ProcessBuilder builder = builder(spec);
    CappedOutput stdout = sink(spec.stdout(), spec);
    CappedOutput stderr = sink(spec.stderr(), spec);
    stopWhatDeadNodesLeft();
    long floor = ProcStat.ticksSinceBootFloor();
    PidMark mark = sandbox.ownSession() ? PidMark.recent(pidMax, RECENT_MARK_NANOS) : null;
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      stdout.close();
      stderr.close();
      throw new IOException("cannot start '" + spec.argv().get(0) + "': " + reason(e), e);
    }
    CommandWatch watch =
        new CommandWatch(
            process, stdout, stderr, sandbox.ownNamespaces() ? CommandWatch.QUICK : Duration.ZERO);
    Long leaderStart = leaderStart(process, floor);
    RunningCommand command;
    try {
      if (timer.isShutdown()) {
        throw new RejectedExecutionException("the task timer is shut down");
      }
      command =
          new RunningCommand(
              process, spec, sandbox, leaderStart, mark, watch, timer, stdout, stderr);
    } catch (RejectedExecutionException e) {
      // the worker stops (its timer takes nothing more, so neither a timeout nor a stop's grace
      // could be kept): what started is killed now, not left running unseen
      abandon(process, leaderStart, mark);
      stdout.close();
      stderr.close();
      throw new WorkerStoppingException(e);
    }
    record(process.pid(), leaderStart, command);
    return new Launched(command, watch);
  }

  /** Kills a command that started but cannot be followed: its session, or its process tree. */
  private static void abandon(Process process, Long leaderStart, PidMark mark) {
    if (leaderStart != null) {
      ProcessSession.kill(process.pid(), leaderStart, mark, TaskLaunch.STOP_GRACE);
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** The program found on the task's PATH, wrapped by the sandbox, with the task's environment. */
  private ProcessBuilder builder(CommandSpec spec) {
    String path = spec.environment().getOrDefault("PATH", "");
    List<String> argv = new ArrayList<>(spec.argv());
    argv.set(0, programs.resolve(argv.get(0), spec.workDir(), path));
    ProcessBuilder builder =
        new ProcessBuilder(sandbox.wrap(argv))
            .directory(spec.workDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    environment(builder.environment(), spec.environment());
    if (launchedBy != null) {
      builder.environment().put(UnrecordedSessions.VARIABLE, launchedBy);
    }
    return builder;
  }

  /**
   * Makes the process's environment, a copy of the node's, {@code wanted}: the variables that the
   * copy holds as wanted are kept as they are, and only the others put (each put checks and encodes
   * its strings; a look-up in the copy would encode its name too).
   */
  static void environment(Map<String, String> env, Map<String, String> wanted) {
    Set<String> kept = new HashSet<>();
    for (Iterator<Map.Entry<String, String>> it = env.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> variable = it.next();
      String value = wanted.get(variable.getKey());
      if (value == null) {
        it.remove();
      } else {
        kept.add(variable.getKey());
        if (!value.equals(variable.getValue())) {
          variable.setValue(value);
        }
      }
    }
    if (kept.size() < wanted.size()) {
      wanted.forEach(
          (name, value) -> {
            if (!kept.contains(name)) {
              env.put(name, value);
            }
          });
    }
  }

  /** The start time of the session's leader; null when the command has no session of its own. */
  private Long leaderStart(Process process, long floor) {
    if (!sandbox.ownSession()) {
      return null;
    }
    // the same across the execs of the chain; gone only if it already ended and was reaped
    ProcStat leader = ProcStat.read(process.pid());
    return leader != null ? leader.startTime() : floor;
  }

  /** Notes the session while the command runs, for after a crash. */
  private void record(long sid, Long leaderStart, RunningCommand command) {
    if (records != null && leaderStart != null) {
      records.add(sid, leaderStart);
      command.outcome().whenComplete((outcome, e) -> records.remove(sid));
    }
  }

  /**
   * Before each attempt: stops the sessions of nodes of this host that died since (their lock is
   * free the moment they die, before the cluster sees them leave), so that an attempt given up with
   * its node never runs beside its replacement here, restart or not. One sweep at a time, and none
   * while no node folder came or went and every other node seen lives ({@link NodeFolderWatch}).
   */
  private void stopWhatDeadNodesLeft() {
    if (leftovers == null) {
      return;
    }
    synchronized (sweeping) {
      if (!nodeFolders.sweepDue()) {
        return;
      }
      try {
        var before = nodeFolders.beforeSweep();
        leftovers.stop(TaskLaunch.STOP_GRACE, timer);
        nodeFolders.swept(before);
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot stop what dead nodes of this host left running: {}", e.toString());
      }
    }
  }

  /**
   * The log file, capped and masked, made when the first byte comes. A log that cannot be made or
   * written (a full volume) still takes the output, drops it and says why: the task runs, and is
   * not killed by a broken pipe.
   */
  private static CappedOutput sink(Path file, CommandSpec spec) {
    return new CappedOutput(new LazyFileOutput(file), spec.logLimit(), spec.secrets());
  }

  /** The JDK says "Cannot run program ...: error=13, Permission denied": keep the useful part. */
  private static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("error=");
    return at >= 0 ? message.substring(at) : message;
  }
}
