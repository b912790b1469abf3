package io.flowbus.worker;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;

/** Every case of {@link CommandRunnerTest}, with each command started through flowbus-session. */
class CommandRunnerWithLauncherTest extends CommandRunnerTest {
  @Override
  TaskSandbox sandbox() throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    return new TaskSandbox(SessionLauncher.install(tmp.resolve("local")).toString(), null, null);
  }
}
