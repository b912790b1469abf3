package io.flowbus.worker;

import io.flowbus.config.NodeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops what nodes of this host that died started but did not live to record: a node killed between
 * the start of a command and the record of its session ({@link SessionRecords#add}) leaves a
 * session that no record names. Every command carries in its environment ({@link #VARIABLE}) the
 * name of the folder of the node life that started it, so a process whose environment names a dead
 * node's folder is one of that node's tasks.
 *
 * <p>Such a process that leads its session takes the whole session down with it (a child that
 * dropped the variable is still in it). One that does not (a command killed before it made its
 * session, still in the dead node's; or one whose leader is gone) is stopped alone: the session it
 * is in need not be a task's. What {@link SparedProcesses} spares is left alone, whatever it
 * carries. A process is taken only if it is the same before and after its environment is read (a
 * pid given again meanwhile is another process).
 */
final class UnrecordedSessions {
  private static final Logger LOG = LoggerFactory.getLogger(UnrecordedSessions.class);

  /** The variable that names, in a command's environment, the node folder of its node. */
  static final String VARIABLE = "FLOWBUS_LAUNCHED_BY";

  private static final byte[] PREFIX = (VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
  private static final long POLL_MS = 25;
  private static final long KILL_WAIT_MS = 5_000;
  private static final boolean RUNS_AS_ROOT = NodeOptions.runsAsRoot();

  /** How many times what still names a dead node's folder is looked for again after a stop. */
  private static final int PASSES = 3;

  private static final AtomicBoolean warned = new AtomicBoolean();

  private UnrecordedSessions() {}

  /**
   * The live processes started at {@code since} or later (clock ticks since boot) whose environment
   * names one of {@code folders} (node folder names), by pid; never one that {@code spared} spares.
   * Only those are read: the host's older processes cannot be the dead nodes' tasks. A process in
   * uninterruptible sleep is not read either (reading its environment could wait as long as it
   * does).
   */
  static Map<Long, ProcStat> find(Set<String> folders, long since, SparedProcesses spared) {
    Map<Long, ProcStat> found = new HashMap<>();
    if (folders.isEmpty()) {
      return found;
    }
    for (long pid : ProcStat.pids()) {
      ProcStat before = ProcStat.read(pid);
      if (before == null
          || !before.alive()
          || before.startTime() < since
          || before.state() == 'D'
          || spared.spares(before)
          || !names(pid, folders)) {
        continue;
      }
      ProcStat after = ProcStat.read(pid); // the same process: its pid was not given again
      if (after != null && after.alive() && after.startTime() == before.startTime()) {
        found.put(pid, after);
      }
    }
    return found;
  }

  /**
   * Stops {@code found} ({@link #find}): a process that leads its session with the session, any
   * other alone; blocking, until they are gone. Returns how many processes were stopped.
   */
  static int stop(Map<Long, ProcStat> found, Duration grace, ScheduledExecutorService timer) {
    List<CompletableFuture<Integer>> sessions = new ArrayList<>();
    List<ProcStat> alone = new ArrayList<>();
    for (ProcStat process : found.values()) {
      if (process.pid() == process.session()) {
        sessions.add(ProcessSession.stop(process.pid(), process.startTime(), grace, timer));
      } else if (!found.containsKey(process.session())) {
        alone.add(process);
      }
    }
    int stopped = stopAlone(alone, grace);
    stopped += sessions.stream().mapToInt(CompletableFuture::join).sum();
    if (stopped > 0) {
      LOG.info(
          "stopped {} processes that nodes of this host started and died before recording",
          stopped);
    }
    return stopped;
  }

  /**
   * Looks again for what names {@code folders}, and kills it at once (its parents had their grace),
   * until nothing does, after {@link #PASSES} looks, or once {@code deadline} ({@link
   * System#nanoTime}) has passed (a pass begun before it may take up to 5 s more, for processes
   * that outlive SIGKILL): a process may fork between a look and its stop, or make a session of its
   * own while its session is being stopped.
   */
  static int stopLeft(
      Set<String> folders,
      long since,
      SparedProcesses spared,
      long deadline,
      ScheduledExecutorService timer) {
    int stopped = 0;
    for (int pass = 0; pass < PASSES && System.nanoTime() - deadline < 0; pass++) {
      Map<Long, ProcStat> left = find(folders, since, spared);
      if (left.isEmpty()) {
        return stopped;
      }
      stopped += stop(left, Duration.ZERO, timer);
    }
    return stopped;
  }

  /** Whether the environment of process {@code pid} sets {@link #VARIABLE} to one of folders. */
  private static boolean names(long pid, Set<String> folders) {
    byte[] environment;
    try {
      environment = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    } catch (AccessDeniedException e) {
      deniedOnce(pid);
      return false;
    } catch (IOException | SecurityException e) {
      return false; // gone
    }
    int start = 0;
    for (int i = 0; i <= environment.length; i++) {
      if (i == environment.length || environment[i] == 0) {
        if (i - start > PREFIX.length
            && Arrays.equals(environment, start, start + PREFIX.length, PREFIX, 0, PREFIX.length)
            && folders.contains(
                new String(
                    environment,
                    start + PREFIX.length,
                    i - start - PREFIX.length,
                    StandardCharsets.US_ASCII))) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /**
   * A process whose environment this node cannot read (another user's; or its own user's that is
   * not dumpable, a set-capability program say) is not its task, unless the node runs as root (its
   * tasks as another user) without the right to read theirs: then says so.
   */
  private static void deniedOnce(long pid) {
    if (RUNS_AS_ROOT && !warned.getAndSet(true)) {
      LOG.warn(
          "cannot read the environment of process {}: a command that a node of this host started"
              + " and died before recording may be left running (the node runs as root without"
              + " CAP_SYS_PTRACE?)",
          pid);
    }
  }

  /** SIGTERM to each, SIGKILL after the grace to what is left; returns once all are gone. */
  private static int stopAlone(List<ProcStat> processes, Duration grace) {
    processes = alive(processes);
    if (processes.isEmpty()) {
      return 0;
    }
    ProcessSession.signal(processes, false);
    long killAt = System.nanoTime() + grace.toNanos();
    boolean killed = false;
    for (List<ProcStat> left = alive(processes); !left.isEmpty(); left = alive(left)) {
      long now = System.nanoTime();
      if (!killed && now - killAt >= 0) {
        ProcessSession.signal(left, true);
        killed = true;
      } else if (killed && now - killAt > KILL_WAIT_MS * 1_000_000) {
        LOG.warn("{} processes still there after SIGKILL", left.size());
        break;
      }
      LockSupport.parkNanos(POLL_MS * 1_000_000);
    }
    return processes.size();
  }

  private static List<ProcStat> alive(List<ProcStat> processes) {
    return processes.stream().filter(UnrecordedSessions::stillThere).toList();
  }

  /** Whether the process still runs and is the one found (its pid not given to another). */
  private static boolean stillThere(ProcStat process) {
    ProcStat now = ProcStat.read(process.pid());
    return now != null && now.alive() && now.startTime() == process.startTime();
  }
}
