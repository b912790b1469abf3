package io.flowbus.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CappedOutputTest {
  @TempDir Path tmp;

  private static final long NO_LIMIT = Long.MAX_VALUE;
  private static final String SECRET = "hunter2-S3cret";

  // --- masking across writes -------------------------------------------------------------------

  @Test
  void secretInOneWriteIsMasked() throws IOException {
    assertThat(write(List.of(SECRET), NO_LIMIT, "token=" + SECRET + "\n")).isEqualTo("token=***\n");
  }

  @Test
  void secretSplitAcrossTwoWritesIsMaskedAtEverySplitPoint() throws IOException {
    byte[] text = ("before " + SECRET + " after").getBytes(UTF_8);
    for (int i = 0; i <= text.length; i++) {
      assertThat(write(List.of(SECRET), NO_LIMIT, split(text, i)))
          .as("split at %d", i)
          .isEqualTo("before *** after");
    }
  }

  @Test
  void secretSplitAcrossThreeWritesIsMaskedAtEveryPairOfSplitPoints() throws IOException {
    byte[] text = ("before " + SECRET + " after").getBytes(UTF_8);
    for (int i = 0; i <= text.length; i++) {
      for (int j = i; j <= text.length; j++) {
        assertThat(write(List.of(SECRET), NO_LIMIT, split(text, i, j)))
            .as("split at %d and %d", i, j)
            .isEqualTo("before *** after");
      }
    }
  }

  @Test
  void secretWrittenOneByteAtATimeIsMasked() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (CappedOutput out = new CappedOutput(sink, NO_LIMIT, List.of(SECRET))) {
      for (byte b : ("a" + SECRET + "b" + SECRET).getBytes(UTF_8)) {
        out.write(b);
      }
    }
    assertThat(sink.toString(UTF_8)).isEqualTo("a***b***");
  }

  @Test
  void secretAtTheVeryStartAndEndAndAsTheWholeOutput() throws IOException {
    assertThat(write(List.of(SECRET), NO_LIMIT, SECRET + " middle " + SECRET))
        .isEqualTo("*** middle ***");
    assertThat(write(List.of(SECRET), NO_LIMIT, SECRET)).isEqualTo("***");
  }

  @Test
  void prefixShorterThanEightCharactersIsKeptAsWritten() throws IOException {
    String prefix = SECRET.substring(0, 7);
    assertThat(write(List.of(SECRET), NO_LIMIT, "x " + prefix)).isEqualTo("x " + prefix);
    assertThat(write(List.of(SECRET), NO_LIMIT, prefix + "!" + prefix))
        .isEqualTo(prefix + "!" + prefix);
    assertThat(write(List.of(SECRET), NO_LIMIT, "a", "b")).isEqualTo("ab");
  }

  @Test
  void prefixOfEightCharactersOrMoreIsMaskedAtEverySplitPoint() throws IOException {
    for (int n = 8; n < SECRET.length(); n++) {
      byte[] text = ("[" + SECRET.substring(0, n) + "]").getBytes(UTF_8);
      for (int i = 0; i <= text.length; i++) {
        assertThat(write(List.of(SECRET), NO_LIMIT, split(text, i)))
            .as("prefix of %d split at %d", n, i)
            .isEqualTo("[***]");
      }
    }
  }

  @Test
  void prefixAtTheVeryEndOfTheStreamIsMasked() throws IOException {
    String cut = SECRET.substring(0, 9);
    assertThat(write(List.of(SECRET), NO_LIMIT, "tail: " + cut)).isEqualTo("tail: ***");
    assertThat(write(List.of(SECRET), NO_LIMIT, "tail: ", cut.substring(0, 4), cut.substring(4)))
        .isEqualTo("tail: ***");
  }

  @Test
  void longSecretCutShortByAnErrorMessageIsMaskedWhateverTheChunks() throws IOException {
    String secret = "Bearer " + "x1y2z3".repeat(54) + "abcde";
    byte[] text = ("Unrecognized token '" + secret.substring(0, 256) + "': was").getBytes(UTF_8);
    for (int chunk : new int[] {1, 7, 64, 255, 4096}) {
      List<byte[]> chunks = new ArrayList<>();
      for (int at = 0; at < text.length; at += chunk) {
        chunks.add(Arrays.copyOfRange(text, at, Math.min(text.length, at + chunk)));
      }
      assertThat(write(List.of(secret), NO_LIMIT, chunks))
          .as("chunks of %d", chunk)
          .isEqualTo("Unrecognized token '***': was");
    }
  }

  @Test
  void heldBackBytesAreWrittenOnClose() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CappedOutput out = new CappedOutput(sink, NO_LIMIT, List.of(SECRET));
    String text = "hello world, this could start a secret: hun";
    out.write(text.getBytes(UTF_8));
    out.flush();
    // what could still begin a secret is held back until more arrives or the stream ends
    assertThat(text).startsWith(sink.toString(UTF_8));
    assertThat(sink.toString(UTF_8)).doesNotEndWith("hun");

    out.close();

    assertThat(sink.toString(UTF_8)).isEqualTo(text);
  }

  @Test
  void offsetAndLengthOfTheWriteAreHonoured() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    byte[] buffer = ("xxx" + SECRET + "yyy").getBytes(UTF_8);
    try (CappedOutput out = new CappedOutput(sink, NO_LIMIT, List.of(SECRET))) {
      out.write(buffer, 2, buffer.length - 4);
    }
    assertThat(sink.toString(UTF_8)).isEqualTo("x***y");
  }

  // --- several secrets -------------------------------------------------------------------------

  @Test
  void severalSecretsAreAllMaskedAtEverySplitPoint() throws IOException {
    List<String> secrets = List.of("alpha-1", "b2", "gamma-gamma-3");
    byte[] text = "[alpha-1|b2|gamma-gamma-3|b2b2]".getBytes(UTF_8);
    for (int i = 0; i <= text.length; i++) {
      for (int j = i; j <= text.length; j++) {
        assertThat(write(secrets, NO_LIMIT, split(text, i, j)))
            .as("split at %d and %d", i, j)
            .isEqualTo("[***|***|***|******]");
      }
    }
  }

  @Test
  void adjacentSecretsAreEachMasked() throws IOException {
    assertThat(write(List.of("abc", "xyz"), NO_LIMIT, "abcxyzabc")).isEqualTo("*********");
    assertThat(write(List.of("abc"), NO_LIMIT, "abcabc")).isEqualTo("******");
  }

  @Test
  void overlappingSecretsLeaveNoWholeSecretVisibleWhateverTheSplit() throws IOException {
    List<String> secrets = List.of("abcd", "cdef");
    byte[] text = "<abcdef>".getBytes(UTF_8);
    String unsplit = write(secrets, NO_LIMIT, "<abcdef>");
    assertThat(unsplit).doesNotContain("abcd").doesNotContain("cdef").startsWith("<***");
    for (int i = 0; i <= text.length; i++) {
      for (int j = i; j <= text.length; j++) {
        assertThat(write(secrets, NO_LIMIT, split(text, i, j)))
            .as("split at %d and %d", i, j)
            .isEqualTo(unsplit);
      }
    }
  }

  @Test
  void selfOverlappingSecretIsNotVisible() throws IOException {
    assertThat(write(List.of("aa"), NO_LIMIT, "aaa")).isEqualTo("***a");
  }

  @Test
  void secretThatIsAPrefixOfAnotherDoesNotRevealTheLongerOne() throws IOException {
    assertThat(write(List.of("abcdef", "abc"), NO_LIMIT, "x abcdef y")).isEqualTo("x *** y");
    assertThat(write(List.of("abc", "abcdef"), NO_LIMIT, "x abcdef y")).isEqualTo("x *** y");
  }

  // --- no secrets ------------------------------------------------------------------------------

  @Test
  void emptySecretListPassesEveryByteThrough() throws IOException {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (CappedOutput out = new CappedOutput(sink, NO_LIMIT, List.of())) {
      out.write(all, 0, 100);
      out.write(all[100]);
      out.write(all, 101, 155);
    }
    assertThat(sink.toByteArray()).isEqualTo(all);
  }

  @Test
  void emptySecretIsIgnored() throws IOException {
    assertThat(write(List.of(""), NO_LIMIT, "plain ", "text")).isEqualTo("plain text");
    assertThat(write(Arrays.asList("", null, "k"), NO_LIMIT, "a k b")).isEqualTo("a *** b");
  }

  // --- the cap ---------------------------------------------------------------------------------

  @Test
  void outputWithinTheLimitHasNoMarker() throws IOException {
    assertThat(write(List.of(), 10, "0123456789")).isEqualTo("0123456789");
    assertThat(write(List.of(), 10, "01234", "56789")).isEqualTo("0123456789");
  }

  @Test
  void outputBeyondTheLimitIsCutWithAMarker() throws IOException {
    assertThat(write(List.of(), 10, "0123456", "789abc", "def"))
        .isEqualTo("0123456789\n[flowbus: output cut at 10 bytes; 6 more bytes dropped]\n");
  }

  @Test
  void capCountsMaskedOutput() throws IOException {
    // "ab" + 14-byte secret + "cd" is 18 bytes written, 7 bytes once masked
    String text = "ab" + SECRET + "cd";
    assertThat(write(List.of(SECRET), 7, text)).isEqualTo("ab***cd");
    assertThat(write(List.of(SECRET), 5, text))
        .isEqualTo("ab***\n[flowbus: output cut at 5 bytes; 2 more bytes dropped]\n");
  }

  @Test
  void maskCutByTheCapRevealsNothing() throws IOException {
    assertThat(write(List.of(SECRET), 4, "ab" + SECRET))
        .isEqualTo("ab**\n[flowbus: output cut at 4 bytes; 1 more bytes dropped]\n");
  }

  @Test
  void zeroLimitKeepsOnlyTheMarker() throws IOException {
    assertThat(write(List.of(), 0, "abc"))
        .isEqualTo("\n[flowbus: output cut at 0 bytes; 3 more bytes dropped]\n");
  }

  @Test
  void closeClosesTheUnderlyingStream() throws IOException {
    boolean[] closed = {false};
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    new CappedOutput(sink, 10, List.of(SECRET)).close();
    assertThat(closed[0]).isTrue();
  }

  // --- multi-byte UTF-8 ------------------------------------------------------------------------

  @Test
  void multiByteSecretIsMaskedAtEveryByteSplit() throws IOException {
    String secret = "pässwörd-秘密-🔑";
    byte[] text = ("ü " + secret + " 日本").getBytes(UTF_8);
    for (int i = 0; i <= text.length; i++) {
      for (int j = i; j <= text.length; j++) {
        assertThat(write(List.of(secret), NO_LIMIT, split(text, i, j)))
            .as("split at %d and %d", i, j)
            .isEqualTo("ü *** 日本");
      }
    }
  }

  @Test
  void characterSharingLeadingBytesWithASecretIsNotMasked() throws IOException {
    // é is C3 A9, è is C3 A8
    assertThat(write(List.of("é"), NO_LIMIT, "è é è")).isEqualTo("è *** è");
  }

  // --- a log that cannot be written ------------------------------------------------------------

  @Test
  void aFullVolumeNeverFailsTheWriterAndIsReported() throws IOException {
    DiskFull disk = new DiskFull(10);
    CappedOutput out = new CappedOutput(disk, NO_LIMIT, List.of(SECRET));
    byte[] chunk = "0123456789abcdef".getBytes(UTF_8);
    for (int i = 0; i < 1000; i++) {
      out.write(chunk, 0, chunk.length); // would throw, and stop the pump, if the error leaked
      out.flush();
    }
    out.close();

    assertThat(out.failure()).isEqualTo("No space left on device");
    assertThat(disk.attempts).as("no write tried once the volume was seen full").isEqualTo(2);
    assertThat(disk.closed).isTrue();
  }

  @Test
  void aLogThatWasWrittenCompletelyReportsNoFailure() throws IOException {
    CappedOutput out = new CappedOutput(new ByteArrayOutputStream(), 4, List.of());
    out.write("more than four".getBytes(UTF_8));
    out.close();

    assertThat(out.failure()).isNull();
  }

  @Test
  void aLogThatCouldNotBeCreatedDrainsEverythingAndSaysWhy() throws IOException {
    Path notAFolder = Files.writeString(tmp.resolve("plain"), "a file, not a folder");
    CappedOutput out =
        new CappedOutput(new LazyFileOutput(notAFolder.resolve("out.log")), 1000, List.of());
    out.write(new byte[100_000]);
    out.flush();
    out.close();

    assertThat(out.failure()).contains("plain");
  }

  /** A volume with room for {@code room} bytes. */
  private static final class DiskFull extends java.io.OutputStream {
    private long room;
    int attempts;
    boolean closed;

    DiskFull(long room) {
      this.room = room;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      attempts++;
      if (len > room) {
        throw new IOException("No space left on device");
      }
      room -= len;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static String write(List<String> secrets, long limit, String... chunks)
      throws IOException {
    List<byte[]> bytes = new ArrayList<>();
    for (String chunk : chunks) {
      bytes.add(chunk.getBytes(UTF_8));
    }
    return write(secrets, limit, bytes);
  }

  private static String write(List<String> secrets, long limit, List<byte[]> chunks)
      throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (CappedOutput out = new CappedOutput(sink, limit, secrets)) {
      for (byte[] chunk : chunks) {
        out.write(chunk, 0, chunk.length);
      }
    }
    return sink.toString(UTF_8);
  }

  /** {@code text} cut at the given ascending positions. */
  private static List<byte[]> split(byte[] text, int... at) {
    List<byte[]> parts = new ArrayList<>();
    int from = 0;
    for (int to : at) {
      parts.add(Arrays.copyOfRange(text, from, to));
      from = to;
    }
    parts.add(Arrays.copyOfRange(text, from, text.length));
    return parts;
  }
}
