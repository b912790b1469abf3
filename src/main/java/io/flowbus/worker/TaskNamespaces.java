package io.flowbus.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A PID and mount namespace of its own for each task, with its own {@code /proc}: the task sees
 * only its own processes, so it cannot read the command line of another run's task (which may hold
 * a secret). Built with util-linux {@code unshare}; a minimal init is PID 1 of the namespace and
 * starts the rest of the chain as its child, because PID 1 ignores the signals it has no handler
 * for (a TERM would not stop the task). The init never interpolates the task's arguments (they are
 * its positional parameters), exits with the task's status (128 + N when killed by signal N), and
 * when it exits the kernel kills whatever is left in the namespace. Every process keeps the session
 * of {@code setsid}, so stopping the session still reaches the task and its children.
 */
record TaskNamespaces(String unshare) {
  /**
   * The init: runs its arguments as a child and exits with their status. What is left in the
   * namespace then gets a TERM (unless the init had one: a stop already sent it to every process)
   * and the grace period before the init exits, as the kernel then kills whatever is left.
   *
   * <p>A TERM makes {@code wait} answer 143 at once, even when the shell has just collected the
   * child's own status (a task that exits 0 on the same TERM): so after each TERM ({@code t}) the
   * init asks again, and dash answers the child's status however often it is asked (bash may answer
   * -1: the status before then stands). The init runs as root with the task's environment: its
   * variables are set before use, and once the child is started it looks programs up on the
   * system's folders only, never on the task's {@code PATH}.
   */
  static final String INIT_SCRIPT =
      "t= T=; trap 't=1 T=1' TERM; \"$@\" & p=$!; PATH="
          + TaskSandbox.SYSTEM_PATH
          + "; wait $p; s=$?;"
          + " while [ -n \"$t\" ]; do t=; wait $p; r=$?;"
          + " case $r in [0-9]|[0-9][0-9]|[0-9][0-9][0-9]) s=$r;; esac; done;"
          + " [ -n \"$T\" ] || kill -TERM -1 2>/dev/null; i=0;"
          + (" while [ $i -lt " + TaskLaunch.STOP_GRACE.toMillis() / 100)
          + " ] && kill -0 -1 2>/dev/null; do sleep 0.1; i=$((i+1)); done; exit $s";

  private static final String SHELL = "/bin/sh";

  /** The options that make the next program of the chain run in namespaces of its own. */
  List<String> prefix() {
    return List.of(unshare, "--pid", "--fork", "--mount-proc", SHELL, "-c", INIT_SCRIPT, "sh");
  }

  /**
   * Namespaces when {@code unshare} (found at {@code unshare}, may be null) works on this host;
   * otherwise a {@link IOException} that says why not (a container without CAP_SYS_ADMIN cannot
   * create them).
   */
  static TaskNamespaces probe(String unshare) throws IOException {
    if (unshare == null) {
      throw new IOException("unshare (util-linux) not found");
    }
    if (!Files.isExecutable(Path.of(SHELL))) {
      throw new IOException(SHELL + " not found");
    }
    TaskNamespaces namespaces = new TaskNamespaces(unshare);
    List<String> probe = new java.util.ArrayList<>(namespaces.prefix());
    probe.add("true");
    TaskUser.run(probe);
    return namespaces;
  }
}
