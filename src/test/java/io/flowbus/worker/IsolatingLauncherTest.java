package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowbus-session -u}: the session, the PID and mount namespaces, the init and the user
 * switch that a task starts through as root, in one program.
 */
class IsolatingLauncherTest {
  /**
   * A task that starts the script {@code $1} in the background and goes on once it is ready (at
   * most 10 s): the script removes the file named by its {@code $1} when it has set its traps.
   */
  private static final String LEAVES =
      "ready=$(mktemp -p /tmp); sh -c \"$1\" left \"$ready\" & i=0;"
          + " while [ -e \"$ready\" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done; ";

  @TempDir Path tmp;

  private SessionLauncher installed;
  private TaskUser nobody;

  @BeforeEach
  void install() throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    installed = SessionLauncher.install(tmp.resolve("local"));
    nobody = TaskUser.lookup("nobody");
    assumeThat(TaskSandbox.isolatedBy(installed, nobody))
        .as("this host can create namespaces")
        .isNotNull();
  }

  @Test
  void theTaskRunsAsTheUserWithItsGroupsAndSeesOnlyItsOwnProcesses() throws Exception {
    Process p = start(Duration.ofSeconds(5), "/bin/sh", "-c", "id -u; id -G; echo $$; ls /proc");

    List<String> lines = output(p).lines().toList();

    assertThat(p.exitValue()).isZero();
    assertThat(lines.get(0)).isEqualTo(String.valueOf(nobody.uid()));
    assertThat(lines.get(1).split(" "))
        .containsExactlyInAnyOrderElementsOf(
            nobody.groups().stream().map(String::valueOf).toList());
    assertThat(lines.get(2)).as("the task is the init's first child").isEqualTo("2");
    assertThat(lines.stream().skip(3).filter(l -> l.matches("\\d+")))
        .as("the init, the task and its ls (after the two id)")
        .containsExactly("1", "2", "5");
  }

  @Test
  void theTasksExitCodeIsTheLaunchersAndASignalIsToldAsAShellTellsIt() throws Exception {
    Process exits = start(Duration.ofSeconds(5), "/bin/sh", "-c", "exit 42");
    Process killed = start(Duration.ofSeconds(5), "/bin/sh", "-c", "kill -KILL $$");

    output(exits);
    output(killed);

    assertThat(exits.exitValue()).isEqualTo(42);
    assertThat(killed.exitValue()).isEqualTo(128 + 9);
  }

  @Test
  void aTermToTheSessionReachesTheTaskAndItsOwnStatusIsKept() throws Exception {
    String script = "trap 'echo stopping; exit 3' TERM; echo ready; sleep 30 & wait";
    Process p = start(Duration.ofSeconds(5), "/bin/sh", "-c", script);
    var out = p.getInputStream();
    assertThat(new String(out.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("ready\n");

    new ProcessBuilder("kill", "-TERM", "--", "-" + p.pid()).start().waitFor();

    assertThat(output(p)).isEqualTo("stopping\n");
    assertThat(p.exitValue())
        .as("the launcher outlives the TERM, with the task's status")
        .isEqualTo(3);
  }

  @Test
  void whatTheTaskLeavesGetsATermWhenItEnds() throws Exception {
    String left = "trap 'echo left stopped; exit 0' TERM; echo left; rm \"$1\"; sleep 30 & wait";
    String script = LEAVES + "exit 5";
    long start = System.nanoTime();
    Process p = start(Duration.ofSeconds(20), "/bin/sh", "-c", script, "sh", left);

    String said = output(p);

    assertThat(said).isEqualTo("left\nleft stopped\n");
    assertThat(p.exitValue()).isEqualTo(5);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void whatIgnoresTheTermIsKilledAfterTheGracePeriod() throws Exception {
    String marker = "31." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100000);
    String left = "trap '' TERM; echo left; rm \"$1\"; exec sleep " + marker;
    String script = LEAVES + "exit 6";
    long start = System.nanoTime();
    Process p = start(Duration.ofMillis(700), "/bin/sh", "-c", script, "sh", left);

    String said = output(p);

    assertThat(said).isEqualTo("left\n");
    assertThat(p.exitValue()).isEqualTo(6);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the init waited the grace period")
        .isGreaterThan(Duration.ofMillis(700));
    assertThat(
            ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(marker)))
        .as("nothing is left when the init has exited")
        .isEmpty();
  }

  @Test
  void aParentThatIgnoresChildSignalsStillGetsTheTasksStatus() throws Exception {
    Path perl = Path.of("/usr/bin/perl");
    assumeThat(Files.isExecutable(perl)).as("perl is installed").isTrue();
    List<String> command =
        new ArrayList<>(List.of(perl.toString(), "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV"));
    command.addAll(installed.isolating(nobody, nobody.groups(), Duration.ofSeconds(5)));
    command.addAll(List.of("/bin/sh", "-c", "exit 3"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();

    assertThat(output(p)).isEmpty();
    assertThat(p.exitValue()).as("an ignored CHLD would have the child reaped unseen").isEqualTo(3);
  }

  @Test
  void aUserWithMoreGroupsThanItTakesIsLeftToTheUtilLinuxChain() {
    List<Integer> groups = java.util.stream.IntStream.rangeClosed(1, 257).boxed().toList();

    assertThatThrownBy(() -> installed.isolating(nobody, groups, Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessage("user 'nobody' has 257 groups, flowbus-session takes at most 256");
  }

  @Test
  void aProgramThatIsNotThereEnds127AsTheNodeReadsIt() throws Exception {
    Process p = start(Duration.ofSeconds(5), "/flowbus/no/such/program");

    assertThat(output(p))
        .isEqualTo("flowbus-session: failed to execute /flowbus/no/such/program: errno 2\n");
    assertThat(p.exitValue()).isEqualTo(127);
  }

  @Test
  void aScriptWithoutAnInterpreterLineRunsThroughTheShell() throws Exception {
    Path open = Files.createTempDirectory(Path.of("/tmp"), "flowbus-isolating-");
    Path script = open.resolve("plain.sh");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(script, "echo plain \"$1\" $(id -u)\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

      Process p = start(Duration.ofSeconds(5), script.toString(), "arg");

      assertThat(output(p)).isEqualTo("plain arg " + nobody.uid() + "\n");
      assertThat(p.exitValue()).isZero();
    } finally {
      Files.deleteIfExists(script);
      Files.delete(open);
    }
  }

  @Test
  void argumentsThatAreNotIdsAreRefusedBeforeAnythingRuns() throws Exception {
    String usage = "flowbus-session: -u takes UID GID GROUPS GRACE_MS PROGRAM [ARG...]\n";
    for (List<String> ids :
        List.of(
            List.of("x", "0", "", "100"),
            List.of("0", "65534", "", "100"),
            List.of("65534", "0", "", "100"),
            List.of("4294967295", "0", "", "100"),
            List.of("65534", "65534", "1,", "100"),
            List.of("65534", "65534", "", "-1"),
            List.of("65534", "65534", "", "99999999999"))) {
      List<String> argv = new ArrayList<>(List.of(installed.exec().toString(), "-u"));
      argv.addAll(ids);
      argv.add("/bin/true");
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();

      assertThat(output(p)).as(ids.toString()).isEqualTo(usage);
      assertThat(p.exitValue()).isEqualTo(126);
    }
    Process tooFew =
        new ProcessBuilder(installed.exec().toString(), "-u", "65534", "65534", "", "100")
            .redirectErrorStream(true)
            .start();
    assertThat(output(tooFew)).isEqualTo("flowbus-session: no program given\n");
  }

  private Process start(Duration grace, String... argv) throws IOException {
    List<String> command = new ArrayList<>(installed.isolating(nobody, nobody.groups(), grace));
    command.addAll(List.of(argv));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String output(Process p) throws Exception {
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return text;
  }
}
