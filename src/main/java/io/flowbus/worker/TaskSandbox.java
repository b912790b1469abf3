package io.flowbus.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a task's process is started: through {@link SessionLauncher flowbus-session} (or util-linux
 * {@code setsid} where that cannot run), so that it leads a session of its own that can be stopped
 * as a whole (the JVM's child is never a group leader, so either calls setsid() and execs in place:
 * the pid Java sees is the session id), and through {@code setpriv} as an unprivileged user when
 * the node runs as root, so that the task cannot read the engine's files or the node's environment;
 * then also in PID and mount namespaces of its own (see {@link TaskNamespaces}), so that it cannot
 * see the processes of other runs' tasks. No shell ever reads the task's arguments: each program
 * execs the next (the namespace's init passes them on as its positional parameters).
 *
 * <p>Where {@code flowbus-session} runs, it does all of that itself ({@code -u}: session,
 * namespaces, init and user switch in one static program, about 1.6 ms a task where the util-linux
 * chain of four programs cost about 7 ms); the chain stays for hosts where it cannot.
 */
final class TaskSandbox {
  private static final Logger LOG = LoggerFactory.getLogger(TaskSandbox.class);

  /** The system's folders, which only root may change: where the sandbox's own programs are. */
  static final String SYSTEM_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

  private final List<String> prefix;
  private final List<String> programs;
  private final boolean ownSession;
  private final TaskUser user;
  private final boolean ownNamespaces;

  /**
   * Held so that the launcher's open descriptor, which every task's argv names, lives as long as
   * the sandbox: an unreachable launcher's channel is closed by its cleaner.
   */
  private final SessionLauncher launcher;

  /**
   * {@code setsid}: the session program, {@code flowbus-session} or {@code setsid}; null for none.
   */
  TaskSandbox(String setsid, String setpriv, TaskUser user) {
    this(setsid, setpriv, user, null);
  }

  /** {@code namespaces} (may be null) are used only with a {@code user} to switch to. */
  TaskSandbox(String setsid, String setpriv, TaskUser user, TaskNamespaces namespaces) {
    this(null, setsid, setpriv, user, namespaces);
  }

  /** {@code launcher}: flowbus-session, executed as {@code setsid}; null when that is setsid. */
  private TaskSandbox(
      SessionLauncher launcher,
      String setsid,
      String setpriv,
      TaskUser user,
      TaskNamespaces namespaces) {
    this.launcher = launcher;
    List<String> p = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (setsid != null) {
      p.add(setsid);
      names.add(launcher != null ? SessionLauncher.NAME : Path.of(setsid).getFileName().toString());
    }
    this.ownNamespaces = user != null && namespaces != null;
    if (ownNamespaces) {
      p.addAll(namespaces.prefix());
      names.addAll(List.of("unshare", "sh"));
    }
    if (user != null) {
      p.addAll(user.setpriv(setpriv));
      names.add("setpriv");
    }
    this.prefix = List.copyOf(p);
    this.programs = List.copyOf(names);
    this.ownSession = setsid != null;
    this.user = user;
  }

  /**
   * Tasks started by {@code flowbus-session} alone, which makes the session, the namespaces and the
   * user switch in one program: {@code isolating} is its argv prefix for {@code user}.
   */
  private TaskSandbox(SessionLauncher launcher, List<String> isolating, TaskUser user) {
    this.launcher = launcher;
    this.prefix = List.copyOf(isolating);
    this.programs = List.of(SessionLauncher.NAME);
    this.ownSession = true;
    this.user = user;
    this.ownNamespaces = true;
  }

  /** Sessions when {@code setsid} is here, no user switch. */
  static TaskSandbox sessionsOnly() {
    return new TaskSandbox(locate("setsid"), null, null);
  }

  /** Sessions started through {@code launcher}, no user switch. */
  static TaskSandbox sessionsThrough(SessionLauncher launcher) {
    return new TaskSandbox(launcher, launcher.exec().toString(), null, null, null);
  }

  /**
   * Finds the programs and decides who tasks run as; logs one WARN for each protection that this
   * host cannot give. {@code wantedUser} null keeps the node's own user; {@code mustReach} are the
   * folders a task needs (the runs folder, the bin folder); {@code launcher} is {@code
   * flowbus-session}, tried and working, or null to start sessions through {@code setsid}.
   */
  static TaskSandbox detect(String wantedUser, List<Path> mustReach, SessionLauncher launcher) {
    String setsid = launcher != null ? launcher.exec().toString() : locate("setsid");
    if (setsid == null) {
      LOG.warn(
          "setsid (util-linux) not found: tasks run in the node's process group; processes they"
              + " leave behind are not stopped when their attempt ends, nor after a crash");
    }
    if (wantedUser == null) {
      return new TaskSandbox(launcher, setsid, null, null, null);
    }
    TaskUser user = TaskUser.lookup(wantedUser);
    int self = TaskUser.ownUid();
    if (user.uid() == self) {
      return new TaskSandbox(launcher, setsid, null, null, null);
    }
    String setpriv = locate("setpriv");
    String problem = isolationProblem(user, self, setpriv, mustReach);
    if (problem != null) {
      LOG.warn(
          "task isolation is OFF: tasks run as the node's own user, and can read the engine's"
              + " files and this node's environment: {}",
          problem);
      return new TaskSandbox(launcher, setsid, null, null, null);
    }
    LOG.info("tasks run as user '{}' (uid {}, gid {})", user.name(), user.uid(), user.gid());
    if (launcher != null) {
      TaskSandbox isolated = isolatedBy(launcher, user);
      if (isolated != null) {
        return isolated;
      }
    }
    return new TaskSandbox(launcher, setsid, setpriv, user, namespaces());
  }

  /**
   * {@code flowbus-session} as the whole sandbox, tried once: its task must find itself PID 2 of a
   * namespace of its own, as {@code user}. Null (and one INFO saying why) when it cannot be used:
   * then the util-linux chain is tried.
   */
  static TaskSandbox isolatedBy(SessionLauncher launcher, TaskUser user) {
    try {
      List<String> isolating = launcher.isolating(user, user.groups(), TaskLaunch.STOP_GRACE);
      List<String> probe = new ArrayList<>(isolating);
      probe.addAll(List.of("/bin/sh", "-c", "[ $$ = 2 ] && [ \"$(id -u)\" = " + user.uid() + " ]"));
      TaskUser.run(probe);
      return new TaskSandbox(launcher, isolating, user);
    } catch (IOException e) {
      LOG.info("flowbus-session cannot make a task's namespaces here: {}", e.getMessage());
      return null;
    }
  }

  /** Namespaces for each task when this host can create them; null (and one WARN) otherwise. */
  private static TaskNamespaces namespaces() {
    try {
      return TaskNamespaces.probe(locate("unshare"));
    } catch (IOException e) {
      LOG.warn(
          "tasks do not get a PID namespace of their own: every task can see the processes of"
              + " other runs' tasks and read their command lines (/proc/<pid>/cmdline), secrets"
              + " passed in exec_args included: {}",
          e.getMessage());
      return null;
    }
  }

  /** Why tasks cannot run as {@code user} on this host; null if they can. */
  private static String isolationProblem(
      TaskUser user, int self, String setpriv, List<Path> mustReach) {
    if (self != 0) {
      return "the node does not run as root and cannot switch users";
    }
    if (setpriv == null) {
      return "setpriv (util-linux) not found";
    }
    for (Path dir : mustReach) {
      if (!user.canReach(setpriv, dir)) {
        return "user '"
            + user.name()
            + "' cannot reach "
            + dir
            + " (a folder on the way is not searchable by it; use a data directory whose"
            + " parents are mode 0755, or --task-user same)";
      }
    }
    return null;
  }

  /** The argv that starts {@code argv} in a session of its own, as the task user. */
  List<String> wrap(List<String> argv) {
    if (prefix.isEmpty()) {
      return argv;
    }
    List<String> wrapped = new ArrayList<>(prefix);
    wrapped.addAll(argv);
    return wrapped;
  }

  /** Whether each task leads a session of its own (its pid is its session id). */
  boolean ownSession() {
    return ownSession;
  }

  /** Whether {@code exec} of the task is done by a program of this sandbox (not by the JVM). */
  boolean wrapped() {
    return !prefix.isEmpty();
  }

  /** Whether each task runs in PID and mount namespaces of its own (sees only its processes). */
  boolean ownNamespaces() {
    return ownNamespaces;
  }

  /** The programs each task is started through before its command, in order. */
  List<String> programs() {
    return programs;
  }

  /** The user tasks run as; null when they run as the node's own user. */
  TaskUser user() {
    return user;
  }

  private static String locate(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":" + SYSTEM_PATH;
    for (String dir : path.split(":")) {
      if (dir.isEmpty() || !Path.of(dir).isAbsolute()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
