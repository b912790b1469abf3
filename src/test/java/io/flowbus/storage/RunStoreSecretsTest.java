package io.flowbus.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run's secrets and the spawn entries that may hold them are kept on the volume. */
class RunStoreSecretsTest {
  private static final String YAML =
      """
      tasks:
        gen: {exec_command: gen}
        each: {exec_command: each, input: {auth: {source: parameter}}}
      jobs:
        j:
          input: {auth: {source: http-header, key: Authorization}}
          stages: [{name: fan, spawn_task: gen, task_class: each}]
      """;
  private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
  private static final String RUN = "20261126-100000-000-abcd";
  private static final String SECRET = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0";

  @TempDir Path data;
  private final JournalWriter writer = new JournalWriter(true);
  private DataLayout layout;
  private RunStore store;

  @AfterEach
  void close() {
    writer.close();
  }

  @Test
  void secretsReadBackWhileNoFileHoldsThemInClear() throws Exception {
    create();

    assertThat(store.secrets(RUN)).containsExactly(Map.entry("auth", SECRET));
    assertThat(new RunStore(layout, writer).secrets(RUN)).as("a new orchestrator").hasSize(1);
    assertThat(clearCopies()).isEmpty();
    assertThat(Files.getPosixFilePermissions(layout.secrets(RUN))).isEqualTo(rw());
    assertThat(Files.getPosixFilePermissions(layout.meta(RUN))).isEqualTo(rwx());
    assertThat(Files.getPosixFilePermissions(layout.metaDir())).isEqualTo(rwx());
  }

  @Test
  void aReplayedRunGetsItsSecretsBack() throws Exception {
    create();

    List<Run> loaded = new RunStore(layout, writer).loadAll();

    assertThat(loaded)
        .singleElement()
        .satisfies(r -> assertThat(r.inputs()).containsEntry("auth", SECRET));
  }

  @Test
  void aRunThatIsToGoOnWithoutItsSecretsIsDamagedNeverRunWithTheMask() throws Exception {
    create();
    Files.delete(layout.secrets(RUN));

    List<Run> loaded = new RunStore(layout, writer).loadAll();

    assertThat(loaded)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(io.flowbus.model.RunState.DAMAGED);
              assertThat(r.error()).contains("secret input 'auth'");
            });
  }

  @Test
  void secretsThatCannotBeDecryptedAreAnErrorNeverEmptyValues() throws Exception {
    create();
    byte[] sealed = Files.readAllBytes(layout.secrets(RUN));
    sealed[sealed.length - 1] ^= 0x40;
    Files.write(layout.secrets(RUN), sealed);

    assertThatThrownBy(() -> store.secrets(RUN))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(layout.secrets(RUN) + " cannot be decrypted");
    // the run is not resumed with masked or empty values in place of its secrets
    List<Run> loaded = new RunStore(layout, writer).loadAll();
    assertThat(loaded)
        .noneMatch(r -> r.state() == RunState.CREATED || r.state() == RunState.RUNNING);
  }

  @Test
  void secretsLeftInClearByAnEarlierVersionAreEncryptedWhenRead() throws Exception {
    layout = new DataLayout(data);
    store = new RunStore(layout, writer);
    Files.createDirectories(layout.meta(RUN));
    Files.writeString(layout.clearSecrets(RUN), "{\"auth\":\"" + SECRET + "\"}");

    assertThat(store.secrets(RUN)).containsExactly(Map.entry("auth", SECRET));
    assertThat(layout.clearSecrets(RUN)).doesNotExist();
    assertThat(store.secrets(RUN)).containsExactly(Map.entry("auth", SECRET));
    assertThat(clearCopies()).isEmpty();
  }

  @Test
  void encryptedAndClearSpawnEntriesBothReadBack() throws Exception {
    layout = new DataLayout(data);
    SecretBox box = new SecretBox(layout.secretsKey());
    store = new RunStore(layout, writer, box);
    box.write(layout.spawnEntries(RUN, 0), ("[{\"auth\":\"" + SECRET + "\"},{}]").getBytes(UTF_8));
    PrivateFiles.write(layout.spawnEntries(RUN, 1), "[{\"n\":\"1\"}]".getBytes(UTF_8));

    assertThat(store.spawnEntries(RUN, 0)).containsExactly(Map.of("auth", SECRET), Map.of());
    assertThat(store.spawnEntries(RUN, 1)).containsExactly(Map.of("n", "1"));
    assertThat(clearCopies()).isEmpty();
  }

  @Test
  void spawnEntriesThatCannotBeDecryptedAreAnError() throws Exception {
    layout = new DataLayout(data);
    store = new RunStore(layout, writer);
    new SecretBox(data.resolve("elsewhere.key"))
        .write(layout.spawnEntries(RUN, 0), "[{}]".getBytes(UTF_8));

    assertThatThrownBy(() -> store.spawnEntries(RUN, 0))
        .hasMessageContaining("cannot be decrypted");
  }

  private void create() throws Exception {
    layout = new DataLayout(data);
    store = new RunStore(layout, writer);
    String version = "0".repeat(63) + "1";
    store.archiveDefinitions(version, YAML);
    Definitions d = DefinitionsLoader.parse(YAML, "t.yaml");
    RunEvent.Created created =
        new RunEvent.Created(
            T,
            RUN,
            RunPlan.of(d, d.jobs().get("j"), version),
            Map.of("auth", SECRET),
            Set.of("auth"));
    store.record(Run.create(created), created).get();
    writer.execute(null, () -> {}).get();
  }

  /** Every file under the data directory holding the secret's first 8 bytes. */
  private List<Path> clearCopies() throws IOException {
    byte[] head = SECRET.substring(0, 8).getBytes(UTF_8);
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(Files::isRegularFile).filter(f -> contains(f, head)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<java.nio.file.attribute.PosixFilePermission> rwx() {
    return PosixFilePermissions.fromString("rwx------");
  }

  private static Set<java.nio.file.attribute.PosixFilePermission> rw() {
    return PosixFilePermissions.fromString("rw-------");
  }
}
