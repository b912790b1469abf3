package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.flowbus.model.AttemptState;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every case of {@link CommandRunnerTest}, with each command started through flowbus-session. */
class CommandRunnerWithLauncherTest extends CommandRunnerTest {
  private SessionLauncher launcher;

  @Override
  TaskSandbox sandbox() throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    launcher = SessionLauncher.install(tmp.resolve("local"));
    return TaskSandbox.sessionsThrough(launcher);
  }

  @Test
  void commandsStillStartWhenTheLocalDirWasRemovedMeanwhile() throws Exception {
    Files.delete(tmp.resolve("local")); // as a cleaner of /tmp would

    CommandOutcome outcome = outcomeOf(start(spec(List.of("true"))));

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
  }
}
