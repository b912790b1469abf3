package io.flowbus.model;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The entries a spawn task wrote, kept compact: a fan-out of a million entries keeps them all for
 * as long as its run is in memory. The values are packed as UTF-8 in one byte array, each entry's
 * keys are one of a few key lists kept once; {@link #get} unpacks an entry into a read-only map,
 * its keys in the order they were added. Immutable once built.
 */
public final class SpawnEntries extends AbstractList<Map<String, String>> implements RandomAccess {
  private final List<String[]> keyLists;
  private final byte[] packed;
  private final int[] offsets;

  private SpawnEntries(List<String[]> keyLists, byte[] packed, int[] offsets) {
    this.keyLists = keyLists;
    this.packed = packed;
    this.offsets = offsets;
  }

  /** The entries of {@code maps}, packed. */
  public static SpawnEntries of(List<Map<String, String>> maps) {
    Builder builder = new Builder();
    maps.forEach(builder::add);
    return builder.build();
  }

  @Override
  public int size() {
    return offsets.length;
  }

  @Override
  public Map<String, String> get(int index) {
    int[] at = {offsets[index]}; // the read position, moved on by readInt
    String[] keys = keyLists.get(readInt(packed, at));
    Map<String, String> entry = new LinkedHashMap<>(keys.length * 2);
    for (String key : keys) {
      int length = readInt(packed, at);
      entry.put(key, new String(packed, at[0], length, StandardCharsets.UTF_8));
      at[0] += length;
    }
    return Collections.unmodifiableMap(entry);
  }

  private static int readInt(byte[] bytes, int[] at) {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[at[0]++];
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  /** Packs entries one by one, so that a long list of them need never be held as maps. */
  public static final class Builder {
    private final List<String[]> keyLists = new ArrayList<>();
    private final Map<List<String>, Integer> keyListIndex = new HashMap<>();
    private byte[] packed = new byte[256];
    private int length;
    private int[] offsets = new int[16];
    private int count;

    /** Adds an entry; its keys and values must not be null. */
    public Builder add(Map<String, String> entry) {
      List<String> keys = List.copyOf(entry.keySet());
      Integer keyList = keyListIndex.get(keys);
      if (keyList == null) {
        keyList = keyLists.size();
        keyLists.add(keys.toArray(String[]::new));
        keyListIndex.put(keys, keyList);
      }
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, count * 2);
      }
      offsets[count++] = length;
      writeInt(keyList);
      for (String key : keys) {
        byte[] value = entry.get(key).getBytes(StandardCharsets.UTF_8);
        writeInt(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, packed, length, value.length);
        length += value.length;
      }
      return this;
    }

    public SpawnEntries build() {
      return new SpawnEntries(
          List.copyOf(keyLists), Arrays.copyOf(packed, length), Arrays.copyOf(offsets, count));
    }

    private void writeInt(int value) {
      ensure(5);
      int v = value;
      while ((v & ~0x7f) != 0) {
        packed[length++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      packed[length++] = (byte) v;
    }

    private void ensure(int more) {
      if (packed.length - length < more) {
        packed = Arrays.copyOf(packed, Math.max(packed.length * 2, length + more));
      }
    }
  }
}
