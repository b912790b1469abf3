package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@link TaskNamespacesTest} (exit codes, timeouts, cancels, what a task leaves, a
 * dead node's attempts) through {@code flowbus-session -u}, the one program that replaces the
 * util-linux chain where it runs.
 */
class IsolatingNamespacesTest extends TaskNamespacesTest {
  @TempDir Path launcherDir;

  @Override
  TaskSandbox sandbox(Path workDir) throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    TaskSandbox isolated =
        TaskSandbox.detect("nobody", List.of(workDir), SessionLauncher.install(launcherDir));
    assumeThat(isolated.ownNamespaces()).as("this host can create namespaces").isTrue();
    assertThat(isolated.programs()).containsExactly(SessionLauncher.NAME);
    return isolated;
  }
}
