package io.flowbus.worker;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a sweep of what dead nodes left must never stop, whatever a record or an environment says:
 * this JVM and the processes that started it, the nodes of this host that live (those that hold the
 * lock of their folder already), and the sessions any of these are in. A node started by a task of
 * a dead node (a restart, a sibling started with {@code nohup}) is in that task's session and
 * carries its environment.
 *
 * @param pids processes left alone
 * @param sessions sessions left alone, whole
 */
record SparedProcesses(Set<Long> pids, Set<Long> sessions) {
  SparedProcesses {
    pids = Set.copyOf(pids);
    sessions = Set.copyOf(sessions);
  }

  /** This JVM, its ancestors, the {@code liveNodes} (pids), and their sessions. */
  static SparedProcesses of(Collection<Long> liveNodes) {
    Set<Long> pids = new HashSet<>(liveNodes);
    for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        p.isPresent();
        p = p.get().parent()) {
      pids.add(p.get().pid());
    }
    Set<Long> sessions = new HashSet<>();
    sessionOf(ProcessHandle.current().pid(), sessions);
    liveNodes.forEach(pid -> sessionOf(pid, sessions));
    return new SparedProcesses(pids, sessions);
  }

  /** Whether {@code process} is spared: one of the pids, or in one of the sessions. */
  boolean spares(ProcStat process) {
    return pids.contains(process.pid()) || sessions.contains(process.session());
  }

  private static void sessionOf(long pid, Set<Long> sessions) {
    ProcStat stat = ProcStat.read(pid);
    if (stat != null) {
      sessions.add(stat.session());
    }
  }
}
