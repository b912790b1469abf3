package io.flowbus.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops every process of one session: SIGTERM to each, SIGKILL after the grace period to whatever
 * is left, including processes forked in between. Members are found by scanning {@code /proc} (Java
 * has no killpg); a background child that left its parent, or moved to a process group of its own,
 * is still in the session.
 *
 * <p>A session is named by its leader's pid and start time: when a process with that pid runs but
 * started at another time, the pid was reused and the session is not ours; members that started
 * before the leader cannot be ours either.
 */
final class ProcessSession {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSession.class);
  private static final long POLL_MS = 25;

  /** How long after SIGKILL processes may take to go (one in uninterruptible I/O, say). */
  private static final long KILL_WAIT_MS = 5_000;

  private final long sid;
  private final long leaderStart;
  private final PidMark mark;
  private final CompletableFuture<Integer> done = new CompletableFuture<>();
  private final int found;
  private final long killAt;
  private boolean killed;

  private ProcessSession(long sid, long leaderStart, PidMark mark, int found, Duration grace) {
    this.sid = sid;
    this.leaderStart = leaderStart;
    this.mark = mark;
    this.found = found;
    this.killAt = System.nanoTime() + grace.toNanos();
  }

  /**
   * Stops session {@code sid} whose leader started at {@code leaderStart} (clock ticks since boot).
   * Completes with the number of processes found in it once none is left (at once when none was
   * there: the usual case, which costs one scan of {@code /proc}).
   */
  static CompletableFuture<Integer> stop(
      long sid, long leaderStart, Duration grace, ScheduledExecutorService timer) {
    return stop(sid, leaderStart, null, grace, timer);
  }

  /**
   * The same, for a session whose leader started after {@code mark} (null when not known): only the
   * processes started since are read.
   */
  static CompletableFuture<Integer> stop(
      long sid, long leaderStart, PidMark mark, Duration grace, ScheduledExecutorService timer) {
    List<ProcStat> members = members(sid, leaderStart, mark);
    if (members.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    ProcessSession session = new ProcessSession(sid, leaderStart, mark, members.size(), grace);
    signal(members, false);
    session.schedule(timer);
    return session.done;
  }

  /**
   * The live processes of the session; none when its leader's pid now names another process. A
   * leader that has not yet made its session (a stop right after the start) is one of them: it is
   * signalled like the others, or a stop that early would be lost.
   */
  static List<ProcStat> members(long sid, long leaderStart, PidMark mark) {
    ProcStat leader = ProcStat.readIfPresent(sid);
    if (leader != null && leader.startTime() != leaderStart) {
      return List.of();
    }
    List<ProcStat> members =
        ProcStat.session(sid, mark == null ? null : mark.since()).stream()
            .filter(p -> p.startTime() >= leaderStart)
            .toList();
    if (leader != null && leader.session() != sid && leader.alive()) {
      return Stream.concat(Stream.of(leader), members.stream()).toList();
    }
    return members;
  }

  /**
   * Kills (SIGKILL) every process of the session, with no grace and no timer, on this thread: for a
   * command that started when it can no longer be followed (the worker stopping). Scans again until
   * none is left (a process may fork between a scan and its kill), for at most {@code patience}.
   */
  static void kill(long sid, long leaderStart, PidMark mark, Duration patience) {
    long until = System.nanoTime() + patience.toNanos();
    for (List<ProcStat> left = members(sid, leaderStart, mark);
        !left.isEmpty();
        left = members(sid, leaderStart, mark)) {
      signal(left, true);
      if (System.nanoTime() - until > 0) {
        LOG.warn("session {}: {} processes still there after SIGKILL", sid, left.size());
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // for it to die, or to be seen
    }
  }

  private void schedule(ScheduledExecutorService timer) {
    try {
      timer.schedule(() -> poll(timer), POLL_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the worker is stopping: no grace can be kept, so what is left is killed now
      signal(members(sid, leaderStart, mark), true);
      done.complete(found);
    }
  }

  private void poll(ScheduledExecutorService timer) {
    List<ProcStat> left = members(sid, leaderStart, mark);
    if (left.isEmpty()) {
      done.complete(found);
      return;
    }
    long now = System.nanoTime();
    if (now - killAt >= 0) {
      if (killed && now - killAt > TimeUnit.MILLISECONDS.toNanos(KILL_WAIT_MS)) {
        LOG.warn("session {}: {} processes still there after SIGKILL", sid, left.size());
        done.complete(found);
        return;
      }
      signal(left, true);
      killed = true;
    }
    schedule(timer);
  }

  /** Signals each process, if it is still the one that was found (and not a reused pid). */
  static void signal(List<ProcStat> processes, boolean kill) {
    long self = ProcessHandle.current().pid();
    for (ProcStat p : processes) {
      if (p.pid() == self) {
        continue; // a record naming the session this node runs in: never this node
      }
      ProcessHandle.of(p.pid())
          .ifPresent(
              handle -> {
                ProcStat now = ProcStat.read(p.pid());
                if (now != null && now.startTime() == p.startTime()) {
                  if (kill) {
                    handle.destroyForcibly();
                  } else {
                    handle.destroy();
                  }
                }
              });
    }
  }
}
