package io.flowbus.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.flowbus.model.SpawnEntries;
import io.flowbus.storage.SecretBox;
import io.flowbus.worker.SpawnFile.InvalidSpawnFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnFileTest {
  private static final long LIMIT = 1024 * 1024;

  @TempDir Path workspace;

  // --- valid files -----------------------------------------------------------------------------

  @Test
  void readsAnArrayOfObjectsWithScalarValuesAsStrings() throws Exception {
    write(
        """
        [
          {"data_id": "a-1", "count": 3, "ratio": 1.5, "big": 12345678901234, "flag": true},
          {"data_id": "b-2", "off": false, "gone": null},
          {}
        ]
        """);

    List<Map<String, String>> entries = SpawnFile.read(workspace, LIMIT);

    assertThat(entries).hasSize(3);
    assertThat(entries.get(0))
        .containsExactly(
            entry("data_id", "a-1"),
            entry("count", "3"),
            entry("ratio", "1.5"),
            entry("big", "12345678901234"),
            entry("flag", "true"));
    assertThat(entries.get(1)).containsExactly(entry("data_id", "b-2"), entry("off", "false"));
    assertThat(entries.get(2)).isEmpty();
  }

  /** A number reaches the task as the file writes it, as a number given to a run does. */
  @Test
  void keepsNumbersAsTheyAreWrittenWhateverAFloatCouldHold() throws Exception {
    write(
        "[{\"a\": 1e2, \"b\": 1.0, \"c\": -0, \"d\": 1e-400, \"e\": 0.10000000000000000001,"
            + " \"f\": 1E400, \"g\": 123456789012345678901234567890}]");

    assertThat(SpawnFile.read(workspace, LIMIT).get(0))
        .containsExactly(
            entry("a", "1e2"),
            entry("b", "1.0"),
            entry("c", "-0"),
            entry("d", "1e-400"),
            entry("e", "0.10000000000000000001"),
            entry("f", "1E400"),
            entry("g", "123456789012345678901234567890"));
  }

  @Test
  void aKeyGivenTwiceInAnEntryIsRefusedNotHalfKept() throws Exception {
    write("[{\"p\": \"a\"}, {\"p\": \"a\", \"q\": 1, \"p\": \"b\"}]");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json entry 1 has the key 'p' twice");
  }

  @Test
  void keepsStringsVerbatim() throws Exception {
    write("[{\"arg\": \"; rm -rf / $(id) `x` \\\"q\\\" \\u00e9 \\u79d8\"}]");

    assertThat(SpawnFile.read(workspace, LIMIT))
        .containsExactly(Map.of("arg", "; rm -rf / $(id) `x` \"q\" é 秘"));
  }

  @Test
  void emptyArrayMeansNoEntries() throws Exception {
    write("[]");

    assertThat(SpawnFile.read(workspace, LIMIT)).isEmpty();
  }

  @Test
  void fileExactlyAtTheLimitIsRead() throws Exception {
    String json = "[{\"a\":\"b\"}]";
    write(json);

    assertThat(SpawnFile.read(workspace, json.length())).containsExactly(Map.of("a", "b"));
  }

  // --- invalid files ---------------------------------------------------------------------------

  @Test
  void missingFile() {
    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageContaining("spawn.json is missing");
  }

  @Test
  void aLinkIsNotFollowed() throws IOException {
    Path elsewhere = workspace.getParent().resolve("not-the-tasks.json");
    Files.writeString(elsewhere, "[{\"secret\": \"of the engine\"}]");
    Files.createSymbolicLink(workspace.resolve("spawn.json"), elsewhere);

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json is not a regular file (a link or a folder)");
  }

  @Test
  void malformedJsonSaysWhere() throws IOException {
    write("[\n  {\"a\": 1},\n  {\"b\": }\n]\n");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageStartingWith("spawn.json is malformed: ")
        .hasMessageContaining("line 3")
        .hasMessageContaining("column ")
        .hasMessageNotContaining("Source:")
        .hasMessageNotContaining("\n");
  }

  @Test
  void malformedJsonHintIsBalanced() throws IOException {
    write("[\n  {\"a\": 1},\n  {\"b\": }\n]\n");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageEndingWith("(line 3, column 9)");
  }

  @Test
  void truncatedJsonIsMalformed() throws IOException {
    write("[{\"a\": \"b\"}");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageStartingWith("spawn.json is malformed: ")
        .hasMessageContaining("line 1");
  }

  @Test
  void trailingGarbageIsMalformed() throws IOException {
    write("[] [");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageStartingWith("spawn.json is malformed");
  }

  @Test
  void emptyFileIsRefusedWithAReason() throws IOException {
    write("");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageStartingWith("spawn.json ");
  }

  @Test
  void topLevelObjectIsRefused() throws IOException {
    write("{\"a\": 1}");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json must hold a JSON array of objects, not an object");
  }

  @Test
  void topLevelScalarIsRefused() throws IOException {
    write("\"text\"");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageContaining("must hold a JSON array");
  }

  @Test
  void entryThatIsNotAnObjectIsNamedByIndex() throws IOException {
    write("[{\"a\": \"b\"}, \"oops\"]");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json entry 1 must be an object, not a string");
  }

  @Test
  void entryThatIsNullOrAnArrayIsRefused() throws IOException {
    write("[null]");
    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .hasMessage("spawn.json entry 0 must be an object, not null");

    write("[{}, {}, [1]]");
    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .hasMessage("spawn.json entry 2 must be an object, not an array");
  }

  @Test
  void nestedObjectValueNamesEntryAndKey() throws IOException {
    write("[{\"x\": {\"y\": 1}}]");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageContaining("entry 0, key 'x'")
        .hasMessageContaining("not an object");
  }

  @Test
  void arrayValueNamesEntryAndKey() throws IOException {
    write("[{\"ok\": 1}, {\"ok\": 2, \"list\": [1, 2]}]");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage(
            "spawn.json entry 1, key 'list': values must be strings, numbers or booleans,"
                + " not an array");
  }

  @Test
  void fileLargerThanTheLimitIsRefusedBeforeItIsParsed() throws IOException {
    write("[" + "x".repeat(100)); // malformed too: the size is checked first

    assertThatThrownBy(() -> SpawnFile.read(workspace, 50))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json is too large: 101 bytes, the limit is 50 bytes");
  }

  @Test
  void aFileThatIsNotJsonIsCalledMalformedBeforeAnyOtherFault() throws IOException {
    write("[null, {\"a\": ]");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessageStartingWith("spawn.json is malformed: ");
  }

  @Test
  void blankFileIsMalformed() throws IOException {
    write(" \n ");

    assertThatThrownBy(() -> SpawnFile.read(workspace, LIMIT))
        .isInstanceOf(InvalidSpawnFileException.class)
        .hasMessage("spawn.json is malformed: Unexpected token");
  }

  @Test
  void manyEntriesAreKeptPacked() throws Exception {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 5000; i++) {
      json.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append('}');
    }
    write(json.append(']').toString());

    List<Map<String, String>> entries = SpawnFile.read(workspace, LIMIT);

    assertThat(entries).isInstanceOf(SpawnEntries.class).hasSize(5000);
    assertThat(entries.get(4321)).containsExactly(entry("i", "4321"));
  }

  // --- store -----------------------------------------------------------------------------------

  @Test
  void storeWritesAFileThatRoundTrips() throws Exception {
    Map<String, String> first = new LinkedHashMap<>();
    first.put("data_id", "a-1");
    first.put("note", "\"quoted\" é 秘 \n newline");
    List<Map<String, String>> entries = List.of(first, Map.of(), Map.of("n", "3"));
    Path target = workspace.resolve("meta").resolve("run").resolve(SpawnFile.NAME);

    SpawnFile.store(entries, target, box(), false);

    assertThat(SpawnFile.read(target.getParent(), LIMIT)).isEqualTo(entries);
    assertThat(SpawnFile.read(target.getParent(), LIMIT).get(0).keySet())
        .containsExactly("data_id", "note");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void storeReplacesAnEarlierFile() throws Exception {
    Path target = workspace.resolve("spawn-1.json");
    SpawnFile.store(List.of(Map.of("a", "1"), Map.of("a", "2")), target, box(), false);

    SpawnFile.store(List.of(), target, box(), false);

    assertThat(Files.readString(target, UTF_8)).isEqualTo("[]");
  }

  @Test
  void storedEntriesArePrivateToTheEngine() throws Exception {
    Path target = workspace.resolve("meta").resolve("run").resolve("spawn-0.json");

    SpawnFile.store(List.of(Map.of("a", "1")), target, box(), false);

    assertThat(Files.getPosixFilePermissions(target))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(target.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void entriesOfARunWithSecretsAreStoredEncrypted() throws Exception {
    String secret = "Bearer sk-0123456789abcdef";
    List<Map<String, String>> entries = List.of(Map.of("token", secret), Map.of("n", "2"));
    Path target = workspace.resolve("meta").resolve("run").resolve("spawn-0.json");

    SpawnFile.store(entries, target, box(), true);

    byte[] stored = Files.readAllBytes(target);
    assertThat(new String(stored, UTF_8))
        .doesNotContain(secret.substring(0, 8))
        .doesNotContain("token");
    assertThat(SecretBox.isSealed(stored)).isTrue();
    assertThat(new String(box().read(target), UTF_8))
        .isEqualTo("[{\"token\":\"" + secret + "\"},{\"n\":\"2\"}]");
    assertThat(Files.getPosixFilePermissions(target))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  private SecretBox box() {
    return new SecretBox(workspace.resolve("keys").resolve("secrets.key"));
  }

  private void write(String content) throws IOException {
    Files.writeString(workspace.resolve(SpawnFile.NAME), content, UTF_8);
  }
}
