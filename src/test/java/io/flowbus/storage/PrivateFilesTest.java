package io.flowbus.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path root;

  @Test
  void missingFoldersAreCreatedPrivateAndExistingOnesLeftAsTheyAre() throws IOException {
    Path shared = Files.createDirectories(root.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

    PrivateFiles.createDirectories(shared.resolve("a/b"));

    assertThat(Files.getPosixFilePermissions(shared))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Files.getPosixFilePermissions(shared.resolve("a")))
        .isEqualTo(PrivateFiles.DIRECTORY);
    assertThat(Files.getPosixFilePermissions(shared.resolve("a/b")))
        .isEqualTo(PrivateFiles.DIRECTORY);
  }

  @Test
  void restrictMakesAnExistingFolderPrivate() throws IOException {
    Path meta = Files.createDirectories(root.resolve("meta"));
    Files.setPosixFilePermissions(meta, PosixFilePermissions.fromString("rwxrwxr-x"));

    PrivateFiles.restrict(meta);
    PrivateFiles.restrict(root.resolve("new"));

    assertThat(Files.getPosixFilePermissions(meta)).isEqualTo(PrivateFiles.DIRECTORY);
    assertThat(Files.getPosixFilePermissions(root.resolve("new")))
        .isEqualTo(PrivateFiles.DIRECTORY);
  }

  @Test
  void writeReplacesAFileWholeAndPrivateLeavingNothingElse() throws IOException {
    Path file = root.resolve("meta/run/spawn-0.json");
    PrivateFiles.write(file, "[1]".getBytes(UTF_8));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    PrivateFiles.write(file, "[2]".getBytes(UTF_8));

    assertThat(Files.readString(file)).isEqualTo("[2]");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE);
    try (var left = Files.list(file.getParent())) {
      assertThat(left).containsExactly(file);
    }
  }
}
