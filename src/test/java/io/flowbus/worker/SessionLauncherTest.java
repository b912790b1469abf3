package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** flowbus-session itself: what it runs, how, and how it says that it cannot. */
class SessionLauncherTest {
  @TempDir Path tmp;

  private SessionLauncher installed;
  private Path launcher;

  @BeforeEach
  void install() throws IOException {
    assumeThat(SessionLauncher.supported()).as("flowbus-session runs on this host").isTrue();
    installed = SessionLauncher.install(tmp.resolve("local"));
    launcher = installed.exec();
  }

  @Test
  void theProgramRunsInPlaceAsTheLeaderOfASessionOfItsOwn() throws Exception {
    String script = "read -r s < /proc/$$/stat; set -- ${s##*) }; echo $$ $4";
    Process p = start(List.of("/bin/sh", "-c", script), Map.of());

    String[] pidAndSession = output(p).strip().split(" ");

    assertThat(p.exitValue()).isZero();
    assertThat(pidAndSession).containsExactly(String.valueOf(p.pid()), String.valueOf(p.pid()));
  }

  @Test
  void argumentsAndEnvironmentReachTheProgramAsTheyAre() throws Exception {
    Process p =
        start(
            List.of(
                "/bin/sh", "-c", "printf '[%s]' \"$@\" \"$FLOWBUS_T\"", "sh", "a b", "$HOME", ""),
            Map.of("FLOWBUS_T", "x;y"));

    assertThat(output(p)).isEqualTo("[a b][$HOME][][x;y]");
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void theProgramsExitCodeIsTheLaunchersSinceItIsTheSameProcess() throws Exception {
    Process p = start(List.of("/bin/sh", "-c", "exit 42"), Map.of());

    output(p);

    assertThat(p.exitValue()).isEqualTo(42);
  }

  @Test
  void aScriptWithoutAnInterpreterLineRunsThroughTheShell() throws Exception {
    Path script = tmp.resolve("plain.sh");
    Files.writeString(script, "echo plain \"$1\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

    Process p = start(List.of(script.toString(), "arg"), Map.of());

    assertThat(output(p)).isEqualTo("plain arg\n");
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void aProgramThatIsNotThereEnds127WithItsErrno() throws Exception {
    Process p = start(List.of("/flowbus/no/such/program", "arg"), Map.of());

    assertThat(output(p))
        .isEqualTo("flowbus-session: failed to execute /flowbus/no/such/program: errno 2\n");
    assertThat(p.exitValue()).isEqualTo(127);
  }

  @Test
  void aProgramThatMayNotBeExecutedEnds126WithItsErrno() throws Exception {
    Path file = Files.writeString(tmp.resolve("data.txt"), "not a program\n");

    Process p = start(List.of(file.toString()), Map.of());

    assertThat(output(p)).isEqualTo("flowbus-session: failed to execute " + file + ": errno 13\n");
    assertThat(p.exitValue()).isEqualTo(126);
  }

  @Test
  void withoutAProgramItSaysSo() throws Exception {
    Process p = start(List.of(), Map.of());

    assertThat(output(p)).isEqualTo("flowbus-session: no program given\n");
    assertThat(p.exitValue()).isEqualTo(126);
  }

  @Test
  void theCodeIsTheAssembledSource() throws Exception {
    Path assemble = Path.of("src/main/native/assemble");
    assumeThat(onPath("as") && onPath("objcopy")).as("binutils are installed").isTrue();
    Process p = new ProcessBuilder(assemble.toString()).redirectErrorStream(true).start();

    String hex = output(p).strip();

    assertThat(p.exitValue()).as(hex).isZero();
    assertThat(hex).isEqualTo(SessionLauncher.CODE_X86_64);
  }

  @Test
  void itIsRunThroughTheNodesOpenDescriptorAndNoNameIsLeftToSwap() throws Exception {
    assertThat(launcher.toString()).startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/");
    assertThat(tmp.resolve("local")).isEmptyDirectory();
  }

  @Test
  void aLocalDirThatIsASymbolicLinkServesToo() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);

    Path exec = SessionLauncher.install(link).exec();

    assertThat(Files.readAllBytes(exec)).isEqualTo(SessionLauncher.image());
    assertThat(real).isEmptyDirectory();
  }

  @Test
  void aLocalDirThatOthersMayWriteIsNotUsed() throws Exception {
    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> SessionLauncher.install(open))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(open + " may be changed by others than root and this user");
    assertThat(open).isEmptyDirectory();
  }

  @Test
  void aStickyFolderAboveIsFineAsTmpIs() throws Exception {
    Path sticky = Files.createDirectories(tmp.resolve("sticky"));
    Files.setAttribute(sticky, "unix:mode", 01777);

    Path exec = SessionLauncher.install(sticky.resolve("local")).exec();

    assertThat(Files.readAllBytes(exec)).isEqualTo(SessionLauncher.image());
  }

  @Test
  void aFolderOfAnotherUserOnTheWayIsNotUsed() throws Exception {
    assumeThat(TaskUser.ownUid()).as("root, to give a folder away").isZero();
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", TaskUser.lookup("nobody").uid());

    assertThatThrownBy(() -> SessionLauncher.install(theirs.resolve("local")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(theirs + " may be changed by others than root and this user");
  }

  @Test
  void aSymbolicLinkOfAnotherUserOnTheWayIsNotFollowed() throws Exception {
    assumeThat(TaskUser.ownUid()).as("root, to give a link away").isZero();
    Path target = Files.createDirectories(tmp.resolve("target"));
    Path link = Files.createSymbolicLink(tmp.resolve("planted"), target);
    Files.setAttribute(
        link, "unix:uid", TaskUser.lookup("nobody").uid(), LinkOption.NOFOLLOW_LINKS);

    assertThatThrownBy(() -> SessionLauncher.install(link))
        .isInstanceOf(IOException.class)
        .hasMessage(link + " is a symbolic link of uid 65534");
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void itStillRunsWhenItsFolderIsGone() throws Exception {
    Files.delete(tmp.resolve("local"));

    Process p = start(List.of("/bin/sh", "-c", "echo still"), Map.of());

    assertThat(output(p)).isEqualTo("still\n");
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void aFileThatOthersMayWriteIsNotRun() throws Exception {
    Path file = Files.write(tmp.resolve("open"), SessionLauncher.image());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> SessionLauncher.check(file))
        .isInstanceOf(IOException.class)
        .hasMessage("the file held is not this user's alone (uid %d, mode 777)", TaskUser.ownUid());
  }

  @Test
  void aFileOfAnotherUserIsNotRun() throws Exception {
    assumeThat(TaskUser.ownUid()).as("root, to give a file away").isZero();
    Path file = Files.write(tmp.resolve("theirs"), SessionLauncher.image());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(file, "unix:uid", TaskUser.lookup("nobody").uid());

    assertThatThrownBy(() -> SessionLauncher.check(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the file held is not this user's alone (uid 65534");
  }

  @Test
  void aFileThatIsNotTheImageIsNotRun() throws Exception {
    Path file = Files.writeString(tmp.resolve("other"), "#!/bin/sh\nexec \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> SessionLauncher.check(file))
        .isInstanceOf(IOException.class)
        .hasMessage("the file held is not the launcher written");
  }

  private Process start(List<String> argv, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String output(Process p) throws Exception {
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return text;
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
