package io.flowbus.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;

/**
 * Masks secret values wherever they are shown: each secret and each prefix of it of at least
 * {@value #MIN_PREFIX} characters (an error message may quote a secret cut short) is replaced by
 * {@code ***}. Secrets shorter than {@value #MIN_PREFIX} characters are masked only whole. Matching
 * is on UTF-8 bytes, so a stream of output is masked the same way as a string.
 */
public final class Secrets {
  public static final String MASK = "***";

  /** The shortest prefix of a secret that is masked on its own. */
  public static final int MIN_PREFIX = 8;

  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);
  private static final Secrets NONE = new Secrets(new byte[0][], new int[0]);

  /** Where masked bytes go. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] bytes, int offset, int length) throws IOException;
  }

  private final byte[][] values; // longest first
  private final int[] shortest; // the fewest bytes of each value that are masked

  private Secrets(byte[][] values, int[] shortest) {
    this.values = values;
    this.shortest = shortest;
  }

  /** The masker for these values; null and empty ones are ignored. */
  public static Secrets of(Collection<String> secrets) {
    String[] kept =
        secrets.stream()
            .filter(s -> s != null && !s.isEmpty())
            .distinct()
            .sorted(Comparator.comparingInt(Secrets::utf8Length).reversed())
            .toArray(String[]::new);
    if (kept.length == 0) {
      return NONE;
    }
    byte[][] values = new byte[kept.length][];
    int[] shortest = new int[kept.length];
    for (int i = 0; i < kept.length; i++) {
      values[i] = kept[i].getBytes(StandardCharsets.UTF_8);
      shortest[i] = utf8Length(shortestMasked(kept[i]));
    }
    return new Secrets(values, shortest);
  }

  /** {@code text} with every secret and every long enough prefix of one replaced by the mask. */
  public static String mask(String text, Collection<String> secrets) {
    return text == null ? null : of(secrets).mask(text);
  }

  public boolean isEmpty() {
    return values.length == 0;
  }

  /** The most bytes a match can span: a stream holds back one byte less before it can decide. */
  public int longest() {
    return values.length == 0 ? 0 : values[0].length;
  }

  /** {@code text} masked; the same string when nothing in it is secret. */
  public String mask(String text) {
    if (text == null || values.length == 0) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    try {
      mask(bytes, bytes.length, bytes.length, out::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    byte[] masked = out.toByteArray();
    return Arrays.equals(masked, bytes) ? text : new String(masked, StandardCharsets.UTF_8);
  }

  /**
   * Writes {@code data[0, end)} to {@code sink} masked, looking for matches that start before
   * {@code scanEnd}; a match runs at most to {@code end}, so the caller must either know that no
   * more bytes follow or keep the last {@code longest() - 1} bytes out of the scan. Returns how
   * many bytes of {@code data} were written, masked or not: the rest is the caller's to keep.
   */
  public int mask(byte[] data, int scanEnd, int end, Sink sink) throws IOException {
    int start = 0;
    int i = 0;
    while (i < scanEnd) {
      int length = matchAt(data, i, end);
      if (length == 0) {
        i++;
        continue;
      }
      sink.write(data, start, i - start);
      sink.write(MASK_BYTES, 0, MASK_BYTES.length);
      i += length;
      start = i;
    }
    int done = Math.max(start, Math.min(i, end));
    sink.write(data, start, done - start);
    return done;
  }

  /**
   * The length of the longest secret or secret prefix that starts at {@code at} and ends by {@code
   * end}; 0 if none.
   */
  private int matchAt(byte[] data, int at, int end) {
    int best = 0;
    for (int s = 0; s < values.length; s++) {
      byte[] value = values[s];
      if (value.length <= best) {
        break; // longest first: no later one can match more
      }
      if (data[at] != value[0]) {
        continue;
      }
      int common = commonPrefix(data, at, end, value);
      if (common == value.length) {
        return common;
      }
      // a prefix ends on a whole character: the secret's next byte must not continue one
      while (common > 0 && (value[common] & 0xC0) == 0x80) {
        common--;
      }
      if (common >= shortest[s] && common > best) {
        best = common;
      }
    }
    return best;
  }

  private static int commonPrefix(byte[] data, int at, int end, byte[] value) {
    int max = Math.min(value.length, end - at);
    int mismatch = Arrays.mismatch(data, at, at + max, value, 0, max);
    return mismatch < 0 ? max : mismatch;
  }

  /** A secret long enough to have its prefixes masked needs only its first characters seen. */
  private static String shortestMasked(String secret) {
    if (secret.length() < MIN_PREFIX) {
      return secret;
    }
    int cut = MIN_PREFIX;
    if (Character.isHighSurrogate(secret.charAt(cut - 1))) {
      cut--; // never half a character: mask one character earlier
    }
    return secret.substring(0, cut);
  }

  private static int utf8Length(String s) {
    return Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8).length;
  }
}
