package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSandboxTest {
  @TempDir Path tmp;

  @Test
  void withoutATaskUserTasksOnlyGetASessionOfTheirOwn() {
    TaskSandbox sandbox = TaskSandbox.detect(null, List.of(tmp));

    assertThat(sandbox.user()).isNull();
    assertThat(sandbox.ownSession()).isTrue();
    assertThat(sandbox.wrap(List.of("/bin/echo", "a b")))
        .containsExactly("/usr/bin/setsid", "/bin/echo", "a b");
  }

  @Test
  void anUnknownTaskUserIsRefusedByName() {
    assertThatThrownBy(() -> TaskSandbox.detect("flowbus-no-such-user", List.of(tmp)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--task-user: no user 'flowbus-no-such-user' on this host");
  }

  @Test
  void asRootTasksRunAsTheTaskUserWhenItCanReachTheirFolders() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    Path open = Files.createTempDirectory(Path.of("/tmp"), "flowbus-sandbox-");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

      TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(open));

      assertThat(sandbox.user()).isEqualTo(TaskUser.lookup("nobody"));
      assertThat(sandbox.wrap(List.of("/bin/id")))
          .containsExactly(
              "/usr/bin/setsid",
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
  void asRootAFolderTheTaskUserCannotReachTurnsIsolationOff() throws Exception {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    Path hidden = Files.createDirectories(tmp.resolve("data/runs")); // @TempDir is mode 0700

    TaskSandbox sandbox = TaskSandbox.detect("nobody", List.of(hidden));

    assertThat(sandbox.user()).as("tasks run as the node's own user").isNull();
    assertThat(sandbox.ownSession()).isTrue();
  }

  @Test
  void theNodesOwnUserNeedsNoSwitch() {
    String self = System.getProperty("user.name");

    assertThat(TaskSandbox.detect(self, List.of(tmp)).user()).isNull();
  }
}
