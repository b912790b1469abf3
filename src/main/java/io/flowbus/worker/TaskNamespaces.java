package io.flowbus.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>With a {@code user} (may be null), {@code unshare} itself switches to that user once the
 * namespaces are made, so that no {@code setpriv} has to be started for each task: one program less
 * of five. It drops every supplementary group, so it is only used for a user that has none beyond
 * its primary group ({@code nobody}); the init then runs as the task user too, which gives the task
 * no more than it had: the init holds nothing but the task's own arguments and environment, and
 * lives in the task's namespace.
 */
record TaskNamespaces(String unshare, TaskUser user) {
  /**
   * The init: runs its arguments as a child and exits with their status. What is left in the
   * namespace then gets a TERM (unless the init had one: a stop already sent it to every process)
   * and the grace period before the init exits, as the kernel then kills whatever is left. A
   * program that cannot be executed is named by the shell on stderr (see {@link RunningCommand}).
   */
  static final String INIT_SCRIPT =
      "trap 't=1' TERM; \"$@\" & p=$!; wait $p; s=$?;"
          + " while [ -n \"$t\" ] && kill -0 $p 2>/dev/null; do wait $p; s=$?; done;"
          + " [ -n \"$t\" ] || kill -TERM -1 2>/dev/null; i=0;"
          + (" while [ $i -lt " + TaskLaunch.STOP_GRACE.toMillis() / 100)
          + " ] && kill -0 -1 2>/dev/null; do sleep 0.1; i=$((i+1)); done; exit $s";

  private static final String SHELL = "/bin/sh";

  /** Namespaces whose chain switches no user (a {@code setpriv} after them does, if any). */
  TaskNamespaces(String unshare) {
    this(unshare, null);
  }

  /** The options that make the next program of the chain run in namespaces of its own. */
  List<String> prefix() {
    List<String> p = new ArrayList<>(List.of(unshare, "--pid", "--fork", "--mount-proc"));
    if (user != null) {
      p.add("--setgid=" + user.gid());
      p.add("--setuid=" + user.uid());
    }
    p.addAll(List.of(SHELL, "-c", INIT_SCRIPT, "sh"));
    return p;
  }

  /**
   * Namespaces when {@code unshare} (found at {@code unshare}, may be null) works on this host;
   * otherwise a {@link IOException} that says why not (a container without CAP_SYS_ADMIN cannot
   * create them). They switch to {@code user} themselves when it has no other groups and this
   * {@code unshare} can ({@code --setuid} is util-linux 2.32 or later).
   */
  static TaskNamespaces probe(String unshare, TaskUser user) throws IOException {
    if (unshare == null) {
      throw new IOException("unshare (util-linux) not found");
    }
    if (!Files.isExecutable(Path.of(SHELL))) {
      throw new IOException(SHELL + " not found");
    }
    if (user != null && !user.otherGroups()) {
      try {
        return tried(new TaskNamespaces(unshare, user));
      } catch (IOException e) {
        // an older unshare: setpriv switches the user after the namespaces
      }
    }
    return tried(new TaskNamespaces(unshare));
  }

  private static TaskNamespaces tried(TaskNamespaces namespaces) throws IOException {
    List<String> probe = new ArrayList<>(namespaces.prefix());
    probe.add("true");
    TaskUser.run(probe);
    return namespaces;
  }
}
