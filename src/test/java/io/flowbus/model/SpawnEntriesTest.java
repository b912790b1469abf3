package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpawnEntriesTest {

  @Test
  void entriesReadBackAsGivenWithTheirKeysInOrder() {
    Map<String, String> first = new LinkedHashMap<>();
    first.put("zeta", "1");
    first.put("alpha", "\"quoted\" é 秘 \n " + "x".repeat(300));
    List<Map<String, String>> given = List.of(first, Map.of(), Map.of("n", ""));

    SpawnEntries entries = SpawnEntries.of(given);

    assertThat(entries).isEqualTo(given).hasSize(3);
    assertThat(entries.get(0).keySet()).containsExactly("zeta", "alpha");
    assertThat(entries.get(2)).containsExactly(entry("n", ""));
  }

  @Test
  void entriesWithTheSameKeysShareOneCopyOfThem() {
    SpawnEntries.Builder builder = new SpawnEntries.Builder();
    builder.add(Map.of(new String("i"), "1"));
    builder.add(Map.of(new String("i"), "2"));

    SpawnEntries entries = builder.build();

    String key0 = entries.get(0).keySet().iterator().next();
    String key1 = entries.get(1).keySet().iterator().next();
    assertThat(key0).isSameAs(key1);
    assertThat(entries).containsExactly(Map.of("i", "1"), Map.of("i", "2"));
  }

  @Test
  void manyEntriesGrowTheBuffers() {
    SpawnEntries.Builder builder = new SpawnEntries.Builder();
    for (int i = 0; i < 10_000; i++) {
      builder.add(Map.of("i", Integer.toString(i)));
    }

    SpawnEntries entries = builder.build();

    assertThat(entries).hasSize(10_000);
    assertThat(entries.get(9_999)).containsExactly(entry("i", "9999"));
    assertThat(entries.get(128)).containsExactly(entry("i", "128"));
  }

  @Test
  void anEntryIsReadOnly() {
    SpawnEntries entries = SpawnEntries.of(List.of(Map.of("a", "b")));

    assertThatThrownBy(() -> entries.get(0).put("c", "d"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> entries.add(Map.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
