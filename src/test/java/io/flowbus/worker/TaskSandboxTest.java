package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSandboxTest {
  @TempDir Path tmp;

  @Test
  void withoutATaskUserTasksOnlyGetASessionOfTheirOwn() {
    TaskSandbox sandbox = TaskSandbox.detect(null, List.of(tmp), null);

    assertThat(sandbox.user()).isNull();
    assertThat(sandbox.ownSession()).isTrue();
    assertThat(sandbox.wrap(List.of("/bin/echo", "a b")))
        .containsExactly("/usr/bin/setsid", "/bin/echo", "a b");
    assertThat(sandbox.programs()).containsExactly("setsid");
  }

  @Test
  void aLauncherGivenStartsTheSessionInPlaceOfSetsid() throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    SessionLauncher launcher = SessionLauncher.install(tmp.resolve("local"));

    TaskSandbox sandbox = TaskSandbox.detect(null, List.of(tmp), launcher);

    assertThat(sandbox.ownSession()).isTrue();
    assertThat(sandbox.wrap(List.of("/bin/echo", "a b")))
        .containsExactly(launcher.exec().toString(), "/bin/echo", "a b");
    assertThat(sandbox.programs()).containsExactly("flowbus-session");
  }

  @Test
  void anUnknownTaskUserIsRefusedByName() {
    assertThatThrownBy(() -> TaskSandbox.detect("flowbus-no-such-user", List.of(tmp), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--task-user: no user 'flowbus-no-such-user' on this host");
  }

  @Test
  void asRootTasksRunAsTheTaskUserWhenItCanReachTheirFolders() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    Path open = Files.createTempDirectory(Path.of("/tmp"), "flowbus-sandbox-");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

      TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(open), null);

      assertThat(sandbox.user()).isEqualTo(TaskUser.lookup("nobody"));
      assumeThat(sandbox.ownNamespaces()).as("this host can create namespaces").isTrue();
      assertThat(sandbox.wrap(List.of("/bin/id")))
          .containsExactly(
              "/usr/bin/setsid",
              "/usr/bin/unshare",
              "--pid",
              "--fork",
              "--mount-proc",
              "/bin/sh",
              "-c",
              TaskNamespaces.INIT_SCRIPT,
              "sh",
              "/usr/bin/setpriv",
              "--reuid=" + sandbox.user().uid(),
              "--regid=" + sandbox.user().gid(),
              "--init-groups",
              "--",
              "/bin/id");
    } finally {
      Files.delete(open);
    }
  }

  @Test
  void asRootFlowbusSessionAloneIsolatesTheTaskWhereItRuns() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    SessionLauncher launcher = SessionLauncher.install(tmp.resolve("local"));
    Path open = Files.createTempDirectory(Path.of("/tmp"), "flowbus-sandbox-");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

      TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(open), launcher);

      assumeThat(sandbox.ownNamespaces()).as("this host can create namespaces").isTrue();
      TaskUser nobody = TaskUser.lookup("nobody");
      List<String> expected =
          new ArrayList<>(launcher.isolating(nobody, nobody.groups(), TaskLaunch.STOP_GRACE));
      expected.add("/bin/id");
      assertThat(sandbox.user()).isEqualTo(nobody);
      assertThat(sandbox.ownSession()).isTrue();
      assertThat(sandbox.wrap(List.of("/bin/id"))).isEqualTo(expected);
      assertThat(expected.subList(1, 6))
          .containsExactly("-u", "" + nobody.uid(), "" + nobody.gid(), "" + nobody.gid(), "5000");
      assertThat(sandbox.programs()).containsExactly("flowbus-session");
    } finally {
      Files.delete(open);
    }
  }

  @Test
  void asRootAFolderTheTaskUserCannotReachTurnsIsolationOff() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    Path hidden = Files.createDirectories(tmp.resolve("data/runs")); // @TempDir is mode 0700

    TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(hidden), null);

    assertThat(sandbox.user()).as("tasks run as the node's own user").isNull();
    assertThat(sandbox.ownSession()).isTrue();
  }

  @Test
  void theNamespacesComeBetweenTheSessionAndTheUserSwitchAndNeverReadTheArguments() {
    TaskSandbox sandbox =
        new TaskSandbox(
            "/usr/bin/setsid",
            "/usr/bin/setpriv",
            new TaskUser("nobody", 65534, 65534),
            new TaskNamespaces("/usr/bin/unshare"));

    assertThat(sandbox.ownNamespaces()).isTrue();
    assertThat(sandbox.wrap(List.of("/bin/echo", "$(id) `id`; a b")))
        .containsExactly(
            "/usr/bin/setsid",
            "/usr/bin/unshare",
            "--pid",
            "--fork",
            "--mount-proc",
            "/bin/sh",
            "-c",
            TaskNamespaces.INIT_SCRIPT,
            "sh",
            "/usr/bin/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--init-groups",
            "--",
            "/bin/echo",
            "$(id) `id`; a b");
    assertThat(sandbox.programs()).containsExactly("setsid", "unshare", "sh", "setpriv");
  }

  @Test
  void withoutAUserSwitchThereAreNoNamespaces() {
    TaskSandbox sandbox =
        new TaskSandbox("/usr/bin/setsid", null, null, new TaskNamespaces("/usr/bin/unshare"));

    assertThat(sandbox.ownNamespaces()).isFalse();
    assertThat(sandbox.wrap(List.of("/bin/true"))).containsExactly("/usr/bin/setsid", "/bin/true");
  }

  @Test
  void inItsNamespacesATaskSeesOnlyItsOwnProcessesAndEndsAsItsCommandDoes() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(Path.of("/tmp")), null);
    assumeThat(sandbox.ownNamespaces()).as("this host can create namespaces").isTrue();

    Process seen = start(sandbox, "ls /proc | grep -c '^[0-9]'; echo \"$(id -u) $1\"", "$(id)");
    Process code = start(sandbox, "exit 7");
    Process term = start(sandbox, "kill -TERM $$");

    assertThat(new String(seen.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines())
        .as("pids in its /proc (init, sh, ls, grep at most), then its uid and argument")
        .satisfies(lines -> assertThat(Integer.parseInt(lines.get(0))).isBetween(1, 5))
        .element(1)
        .isEqualTo("65534 $(id)");
    assertThat(code.waitFor()).isEqualTo(7);
    assertThat(term.waitFor()).as("killed by TERM: 128 + 15").isEqualTo(143);
  }

  private static Process start(TaskSandbox sandbox, String script, String... args)
      throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
    argv.addAll(List.of(args));
    return new ProcessBuilder(sandbox.wrap(argv))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  @Test
  void aHostWhereUnshareFailsOrIsMissingGetsNoNamespaces() {
    assertThatThrownBy(() -> TaskNamespaces.probe("/bin/false"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("/bin/false --pid --fork --mount-proc");
    assertThatThrownBy(() -> TaskNamespaces.probe(null))
        .isInstanceOf(IOException.class)
        .hasMessage("unshare (util-linux) not found");
  }

  @Test
  void theNodesOwnUserNeedsNoSwitch() {
    String self = System.getProperty("user.name");

    assertThat(TaskSandbox.detect(self, List.of(tmp), null).user()).isNull();
  }
}
