package io.flowbus.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.model.SpawnEntries;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpawnEntriesReaderTest {

  @Test
  void readsTheEntriesAWorkerStored() throws IOException {
    SpawnEntries entries =
        SpawnEntriesReader.read(
            "[{\"b\":\"2\",\"a\":\"\\u00e9 \\\"x\\\"\"},{},{\"i\":\"7\"}]".getBytes(UTF_8));

    assertThat(entries)
        .containsExactly(Map.of("b", "2", "a", "é \"x\""), Map.of(), Map.of("i", "7"));
    assertThat(entries.get(0).keySet()).containsExactly("b", "a");
  }

  @Test
  void readsNoEntries() throws IOException {
    assertThat(SpawnEntriesReader.read("[]".getBytes(UTF_8))).isEqualTo(List.of());
  }

  @Test
  void refusesWhatAWorkerDoesNotStore() {
    for (String json : new String[] {"{}", "[1]", "[{\"a\":1}]", "[{\"a\":null}]", "[] []"}) {
      assertThatThrownBy(() -> SpawnEntriesReader.read(json.getBytes(UTF_8)))
          .as(json)
          .isInstanceOf(IOException.class);
    }
  }
}
