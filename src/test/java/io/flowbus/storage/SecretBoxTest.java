package io.flowbus.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  private static final byte[] PLAIN = "{\"auth\":\"Bearer 0123456789abcdef\"}".getBytes(UTF_8);

  @TempDir Path data;

  @Test
  void whatIsWrittenReadsBackAndHoldsNothingInClear() throws IOException {
    SecretBox box = new SecretBox(keyFile());
    Path file = data.resolve("meta/run-1/secrets.enc");

    box.write(file, PLAIN);

    byte[] stored = Files.readAllBytes(file);
    assertThat(SecretBox.isSealed(stored)).isTrue();
    assertThat(new String(stored, UTF_8)).doesNotContain("Bearer").doesNotContain("auth");
    assertThat(box.read(file)).isEqualTo(PLAIN);
    assertThat(new SecretBox(keyFile()).read(file)).as("another node").isEqualTo(PLAIN);
  }

  @Test
  void theSameContentIsNeverWrittenTwiceTheSame() throws IOException {
    SecretBox box = new SecretBox(keyFile());
    Path a = data.resolve("meta/run-1/a.enc");
    box.write(a, PLAIN);
    byte[] first = Files.readAllBytes(a);
    box.write(a, PLAIN);

    assertThat(Files.readAllBytes(a)).isNotEqualTo(first);
    try (var left = Files.list(a.getParent())) {
      assertThat(left).as("no temporary file left behind").containsExactly(a);
    }
  }

  @Test
  void aFileEncryptedWithAnotherKeyIsRefusedWithAClearError() throws IOException {
    Path file = data.resolve("meta/run-1/secrets.enc");
    new SecretBox(keyFile()).write(file, PLAIN);

    SecretBox other = new SecretBox(data.resolve("other/secrets.key"));

    assertThatThrownBy(() -> other.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file + " cannot be decrypted with the key in ")
        .hasMessageContaining("encrypted with another key");
  }

  @Test
  void aChangedByteAnywhereIsRefused() throws IOException {
    SecretBox box = new SecretBox(keyFile());
    Path file = data.resolve("meta/run-1/secrets.enc");
    box.write(file, PLAIN);
    byte[] good = Files.readAllBytes(file);

    for (int i = 4; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      Files.write(file, bad);
      assertThatThrownBy(() -> box.read(file))
          .as("byte %d changed", i)
          .hasMessageContaining("cannot be decrypted");
    }
  }

  @Test
  void aCutOrForeignFileIsRefused() throws IOException {
    SecretBox box = new SecretBox(keyFile());
    Path file = data.resolve("meta/run-1/secrets.enc");
    box.write(file, PLAIN);
    byte[] good = Files.readAllBytes(file);

    Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
    assertThatThrownBy(() -> box.read(file)).hasMessageContaining("cannot be decrypted");
    Files.write(file, java.util.Arrays.copyOf(good, 10));
    assertThatThrownBy(() -> box.read(file)).hasMessageContaining("is not an encrypted flowbus");
    Files.write(file, PLAIN);
    assertThatThrownBy(() -> box.read(file)).hasMessageContaining("is not an encrypted flowbus");
  }

  @Test
  void aFileMovedToAnotherRunDoesNotOpen() throws IOException {
    SecretBox box = new SecretBox(keyFile());
    Path file = data.resolve("meta/run-1/secrets.enc");
    Path moved = data.resolve("meta/run-2/secrets.enc");
    box.write(file, PLAIN);
    Files.createDirectories(moved.getParent());
    Files.copy(file, moved);

    assertThatThrownBy(() -> box.read(moved)).hasMessageContaining("cannot be decrypted");
  }

  @Test
  void keyFolderKeyAndFilesArePrivate() throws IOException {
    Path file = data.resolve("meta/run-1/secrets.enc");

    new SecretBox(keyFile()).write(file, PLAIN);

    assertThat(Files.getPosixFilePermissions(keyFile().getParent())).isEqualTo(rwx());
    assertThat(Files.getPosixFilePermissions(keyFile())).isEqualTo(rw());
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(rw());
    assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(rwx());
    assertThat(Files.getPosixFilePermissions(data.resolve("meta"))).isEqualTo(rwx());
    try (var left = Files.list(keyFile().getParent())) {
      assertThat(left).as("no candidate key left behind").containsExactly(keyFile());
    }
  }

  @Test
  void nodesStartingAtOnceEndWithOneKey() throws Exception {
    int racers = 8;
    for (int round = 0; round < 20; round++) {
      Path key = data.resolve("round-" + round + "/keys/secrets.key");
      CyclicBarrier start = new CyclicBarrier(racers);
      ExecutorService pool = Executors.newFixedThreadPool(racers);
      List<SecretBox> boxes = new ArrayList<>();
      List<Future<byte[]>> sealed = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        SecretBox box = new SecretBox(key);
        boxes.add(box);
        Callable<byte[]> seal =
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return box.seal(PLAIN, "run/secrets.enc");
            };
        sealed.add(pool.submit(seal));
      }
      List<byte[]> results = new ArrayList<>();
      for (Future<byte[]> f : sealed) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      pool.shutdown();

      // whichever box sealed it, every other box opens it: they all use the one key
      Path file = data.resolve("round-" + round + "/run/secrets.enc");
      Files.createDirectories(file.getParent());
      for (byte[] bytes : results) {
        for (SecretBox box : boxes) {
          assertThat(box.open(bytes, file)).isEqualTo(PLAIN);
        }
      }
      try (var left = Files.list(key.getParent())) {
        assertThat(left).containsExactly(key);
      }
    }
  }

  @Test
  void aKeyFileThatIsNotAKeyIsNamed() throws IOException {
    Files.createDirectories(keyFile().getParent());
    Files.writeString(keyFile(), "c2hvcnQ=\n");
    SecretBox box = new SecretBox(keyFile());

    assertThatThrownBy(() -> box.write(data.resolve("meta/r/secrets.enc"), PLAIN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("holds 5 bytes, not a 256-bit key");
    Files.writeString(keyFile(), "not base64 at all!\n");
    assertThatThrownBy(() -> new SecretBox(keyFile()).write(data.resolve("x/y"), PLAIN))
        .hasMessageContaining("does not hold a base64 key");
  }

  private Path keyFile() {
    return data.resolve("keys/secrets.key");
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> rwx() {
    return PosixFilePermissions.fromString("rwx------");
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> rw() {
    return PosixFilePermissions.fromString("rw-------");
  }
}
