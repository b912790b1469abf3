package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log file is made, with its missing folders (private), at the first byte; never before. */
class LazyFileOutputTest {
  @TempDir Path tmp;

  @Test
  void theFirstByteMakesTheFileAndItsMissingFoldersPrivate() throws Exception {
    Path log = tmp.resolve("logs/s0/0/t1.1.stdout.log");
    try (LazyFileOutput out = new LazyFileOutput(log)) {
      out.flush();
      assertThat(tmp.resolve("logs")).as("nothing written yet").doesNotExist();

      out.write("hello\n".getBytes());
    }

    assertThat(log).hasContent("hello");
    for (Path folder : new Path[] {log.getParent(), tmp.resolve("logs/s0"), tmp.resolve("logs")}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
          .as("%s", folder)
          .isEqualTo("rwx------");
    }
  }

  @Test
  void aSilentCommandLeavesNoFile() throws Exception {
    Path log = tmp.resolve("logs/s0/0/t2.1.stderr.log");
    new LazyFileOutput(log).close();

    assertThat(tmp.resolve("logs")).doesNotExist();
  }
}
