package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutableLookupTest {
  @TempDir Path tmp;

  private Path workDir;
  private Path first;
  private Path second;
  private Path bin;

  @BeforeEach
  void setUp() throws IOException {
    workDir = Files.createDirectories(tmp.resolve("work"));
    first = Files.createDirectories(tmp.resolve("first"));
    second = Files.createDirectories(tmp.resolve("second"));
    bin = Files.createDirectories(tmp.resolve("bin"));
  }

  // --- PATH search -----------------------------------------------------------------------------

  @Test
  void firstDirectoryOnThePathWins() throws IOException {
    Path inFirst = executable(first.resolve("tool"));
    Path inSecond = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, path(first, second)))
        .isEqualTo(inFirst.toString());
    assertThat(ExecutableLookup.find("tool", workDir, path(second, first)))
        .isEqualTo(inSecond.toString());
  }

  @Test
  void laterDirectoryIsSearchedWhenEarlierOnesLackTheProgram() throws IOException {
    Path inSecond = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, path(first, second)))
        .isEqualTo(inSecond.toString());
  }

  @Test
  void binDirectoryFirstShadowsSystemPrograms() throws IOException {
    Path ours = executable(bin.resolve("true"));
    String path = bin + ":" + System.getenv("PATH");

    assertThat(ExecutableLookup.find("true", workDir, path)).isEqualTo(ours.toString());
    assertThat(ExecutableLookup.find("sh", workDir, path)).endsWith("/sh");
  }

  @Test
  void nonExecutableFilesAreSkipped() throws IOException {
    Path plain = first.resolve("tool");
    Files.writeString(plain, "#!/bin/sh\n");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    Path inSecond = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, path(first, second)))
        .isEqualTo(inSecond.toString());
  }

  @Test
  void directoriesAreSkipped() throws IOException {
    Files.createDirectories(first.resolve("tool"));
    Path inSecond = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, path(first, second)))
        .isEqualTo(inSecond.toString());
  }

  @Test
  void emptyPathEntriesAreIgnored() throws IOException {
    Path inSecond = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, "::" + second + ":"))
        .isEqualTo(inSecond.toString());
  }

  @Test
  void notFoundNamesTheProgramAndNotThePath() {
    assertThatThrownBy(() -> ExecutableLookup.find("tool", workDir, path(first, second) + ":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command 'tool' not found on the task's PATH (2 folders searched)")
        .message()
        .doesNotContain(first.toString());
  }

  @Test
  void aFileOnThePathThatIsNotExecutableIsNamedSo() throws IOException {
    Files.writeString(first.resolve("tool"), "not executable");

    assertThatThrownBy(() -> ExecutableLookup.find("tool", workDir, path(first, second)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command 'tool' is on the task's PATH but is not an executable file")
        .message()
        .doesNotContain(first.toString());
  }

  @Test
  void anExecutableLaterOnThePathWinsOverAFileThatIsNot() throws IOException {
    Files.writeString(first.resolve("tool"), "not executable");
    Path tool = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find("tool", workDir, path(first, second)))
        .isEqualTo(tool.toString());
  }

  @Test
  void notFoundOnAnEmptyPath() {
    assertThatThrownBy(() -> ExecutableLookup.find("tool", workDir, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command 'tool' not found on the task's PATH (0 folders searched)");
  }

  @Test
  void emptyCommandIsRefused() {
    assertThatThrownBy(() -> ExecutableLookup.find("", workDir, path(first)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the command is empty");
  }

  // --- names with a slash ----------------------------------------------------------------------

  @Test
  void nameWithASlashIsResolvedAgainstTheWorkDirNotThePath() throws IOException {
    executable(first.resolve("scripts").resolve("run.sh"));
    Path inWorkDir = executable(workDir.resolve("scripts").resolve("run.sh"));

    assertThat(ExecutableLookup.find("scripts/run.sh", workDir, path(first)))
        .isEqualTo(inWorkDir.toString());
    assertThat(ExecutableLookup.find("./scripts/run.sh", workDir, path(first)))
        .satisfies(found -> assertThat(Path.of(found).normalize()).isEqualTo(inWorkDir));
  }

  @Test
  void absolutePathIsTakenAsItIs() throws IOException {
    Path elsewhere = executable(second.resolve("tool"));

    assertThat(ExecutableLookup.find(elsewhere.toString(), workDir, path(first)))
        .isEqualTo(elsewhere.toString());
  }

  @Test
  void missingFileWithASlashIsNamed() {
    assertThatThrownBy(() -> ExecutableLookup.find("bin/none", workDir, path(first)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command 'bin/none' does not exist");
  }

  @Test
  void nonExecutableFileWithASlashIsNamed() throws IOException {
    Files.writeString(workDir.resolve("data.txt"), "x");

    assertThatThrownBy(() -> ExecutableLookup.find("./data.txt", workDir, path(first)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command './data.txt' is not an executable file");
  }

  // --- what a search found is remembered for a second -----------------------------------------

  @Test
  void aProgramFoundIsRememberedForASecondThenLookedForAgain() throws IOException {
    long[] now = {0};
    ExecutableLookup lookup = new ExecutableLookup(() -> now[0]);
    Path inSecond = executable(second.resolve("tool"));
    assertThat(lookup.resolve("tool", workDir, path(first, second))).isEqualTo(inSecond.toString());

    Path inFirst = executable(first.resolve("tool"));
    now[0] += ExecutableLookup.REMEMBER_NANOS - 1;
    assertThat(lookup.resolve("tool", workDir, path(first, second))).isEqualTo(inSecond.toString());
    assertThat(lookup.resolve("tool", workDir, path(second, first)))
        .as("another PATH is another search")
        .isEqualTo(inSecond.toString());
    now[0] += 1;
    assertThat(lookup.resolve("tool", workDir, path(first, second))).isEqualTo(inFirst.toString());

    Files.delete(inFirst);
    Files.delete(inSecond);
    now[0] += ExecutableLookup.REMEMBER_NANOS;
    assertThatThrownBy(() -> lookup.resolve("tool", workDir, path(first, second)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command 'tool' not found on the task's PATH (2 folders searched)");
  }

  @Test
  void aProgramNotFoundIsLookedForAgainAtOnce() throws IOException {
    ExecutableLookup lookup = new ExecutableLookup(() -> 0);
    assertThatThrownBy(() -> lookup.resolve("tool", workDir, path(first)))
        .isInstanceOf(IllegalArgumentException.class);

    Path tool = executable(first.resolve("tool"));

    assertThat(lookup.resolve("tool", workDir, path(first))).isEqualTo(tool.toString());
  }

  @Test
  void aRelativeProgramIsCheckedEachTime() throws IOException {
    ExecutableLookup lookup = new ExecutableLookup(() -> 0);
    Path tool = executable(workDir.resolve("tool"));
    assertThat(lookup.resolve("./tool", workDir, path(first))).isEqualTo(workDir + "/./tool");

    Files.delete(tool);

    assertThatThrownBy(() -> lookup.resolve("./tool", workDir, path(first)))
        .hasMessage("command './tool' does not exist");
  }

  private static String path(Path... dirs) {
    StringBuilder out = new StringBuilder();
    for (Path dir : dirs) {
      out.append(out.length() == 0 ? "" : ":").append(dir);
    }
    return out.toString();
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
