package io.flowbus.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process and everything it started. Destroying only the process would leave its children
 * running (a shell's {@code sleep}, say), orphaned where nobody finds them again. So the tree is
 * taken down children first: a polite SIGTERM to each, then SIGKILL to whatever is left after the
 * grace period, including processes forked in between.
 */
final class ProcessTree {
  private ProcessTree() {}

  static void stop(ProcessHandle root, Duration grace, ScheduledExecutorService timer) {
    List<ProcessHandle> tree = snapshot(root);
    tree.forEach(ProcessHandle::destroy);
    try {
      timer.schedule(() -> kill(root, tree), grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      kill(root, tree); // the worker is stopping: no grace can be kept
    }
  }

  private static void kill(ProcessHandle root, List<ProcessHandle> earlier) {
    List<ProcessHandle> tree = snapshot(root);
    tree.addAll(earlier);
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
  }

  /** Descendants, deepest first as far as the JDK reports them, then the root. */
  private static List<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    java.util.Collections.reverse(tree);
    tree.add(root);
    return tree;
  }
}
