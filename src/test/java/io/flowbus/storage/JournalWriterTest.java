package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.FaultyFileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The journal file only ever holds whole lines, whatever fails, and few files stay open. */
class JournalWriterTest {
  private static final String A = "{\"n\":\"a\"}";
  private static final String B = "{\"n\":\"b\",\"pad\":\"" + "x".repeat(40) + "\"}";
  private static final String D = "{\"n\":\"d\"}";

  @TempDir Path dir;
  private final FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();

  private JournalWriter faulty(boolean fsync) {
    return new JournalWriter(
        fsync,
        JournalWriter.MAX_OPEN,
        Duration.ofHours(1),
        file -> new FaultyFileChannel(JournalFile.Opener.FILES.open(file), faults));
  }

  @ParameterizedTest(name = "the write stops after {0} bytes")
  @ValueSource(ints = {0, 1, 9, 30, 66, 67}) // a line of B is 68 bytes
  void aWriteThatFailsMidwayIsCutBackAndTheNextAppendStartsOnAFreshLine(int written)
      throws Exception {
    Path file = dir.resolve("journal.jsonl");
    try (JournalWriter writer = faulty(false)) {
      writer.append(file, A).get();
      faults.writeFailsAfter = written;

      assertThatThrownBy(() -> writer.append(file, B).get())
          .hasCauseInstanceOf(java.io.IOException.class)
          .hasMessageContaining("No space left on device");
      assertThat(lines(file)).containsExactly(A);

      faults.heal();
      writer.append(file, D).get();
    }
    assertThat(lines(file)).containsExactly(A, D);
  }

  @Test
  void aWriteWhoseForceFailsIsCutBackToo() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    try (JournalWriter writer = faulty(true)) {
      writer.append(file, A).get();
      faults.forceFails = true;

      assertThatThrownBy(() -> writer.append(file, B).get()).isInstanceOf(ExecutionException.class);
      faults.heal();
      writer.append(file, D).get();
    }
    assertThat(lines(file)).containsExactly(A, D);
  }

  @Test
  void anUnexpectedErrorFailsItsBatchAndTheWriterGoesOn() throws Exception {
    Path bad = dir.resolve("bad/journal.jsonl");
    Path good = dir.resolve("good/journal.jsonl");
    JournalFile.Opener opener =
        file -> {
          if (file.equals(bad)) {
            throw new IllegalStateException("boom");
          }
          return JournalFile.Opener.FILES.open(file);
        };
    try (JournalWriter writer = new JournalWriter(false, 8, Duration.ofHours(1), opener)) {
      assertThatThrownBy(
              () -> writer.append(bad, "{\"a\":1}").get(5, java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class);

      writer.append(good, "{\"b\":2}").get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(Files.readString(good)).endsWith("{\"b\":2}\n");
  }

  @Test
  void aFailedFirstWriteLeavesNoJournalBehind() throws Exception {
    Path file = dir.resolve("run/journal.jsonl");
    try (JournalWriter writer = faulty(false)) {
      faults.writeFailsAfter = 5;

      assertThatThrownBy(() -> writer.append(file, A).get()).isInstanceOf(ExecutionException.class);
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void whenTheCutBackFailsTooTheFileIsCutWhenNextOpened() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    try (JournalWriter writer = faulty(false)) {
      writer.append(file, A).get();
      writer.append(file, A).get();
      long size = Files.size(file);
      faults.writeFailsAfter = 68 + 12; // of two lines of B written at once: one whole, one cut
      faults.truncateFails = true;

      CountDownLatch held = new CountDownLatch(1);
      writer.execute(null, () -> await().until(() -> held.getCount() == 0));
      CompletableFuture<Void> first = writer.append(file, B);
      CompletableFuture<Void> second = writer.append(file, B);
      held.countDown();
      assertThatThrownBy(() -> CompletableFuture.allOf(first, second).get())
          .isInstanceOf(ExecutionException.class);
      assertThat(Files.size(file)).as("the failed write stayed").isGreaterThan(size);

      faults.heal();
      writer.append(file, D).get();
    }
    List<String> lines = lines(file);
    assertThat(lines).startsWith(A, A).endsWith(D).doesNotContain(B);
  }

  @Test
  void aPartialLineFoundOnOpeningIsCutBeforeAppending() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    String whole = JournalLine.encode(A) + "\n";
    Files.writeString(file, whole + JournalLine.encode(B).substring(0, 20));
    try (JournalWriter writer = new JournalWriter(false)) {
      writer.append(file, D).get();
    }
    assertThat(lines(file)).containsExactly(A, D);
  }

  @Test
  void neverMoreThanMaxOpenFilesAreOpenAndEveryLineLands() throws Exception {
    int files = 200;
    try (JournalWriter writer =
        new JournalWriter(false, 8, Duration.ofHours(1), JournalFile.Opener.FILES)) {
      for (int round = 0; round < 3; round++) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < files; i++) {
          writes.add(writer.append(dir.resolve("r" + i + "/journal.jsonl"), line(round)));
          assertThat(writer.openFiles()).isLessThanOrEqualTo(8);
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        assertThat(writer.openFiles()).isBetween(1, 8);
      }
    }
    for (int i = 0; i < files; i++) {
      assertThat(lines(dir.resolve("r" + i + "/journal.jsonl")))
          .containsExactly(line(0), line(1), line(2));
    }
  }

  @Test
  void filesIdleForAWhileAreClosedAndReopenedAfterTheirLastLine() throws Exception {
    try (JournalWriter writer =
        new JournalWriter(false, 64, Duration.ofMillis(200), JournalFile.Opener.FILES)) {
      for (int i = 0; i < 20; i++) {
        writer.append(dir.resolve("r" + i + "/journal.jsonl"), line(0)).get();
      }
      assertThat(writer.openFiles()).isPositive();

      await().atMost(Duration.ofSeconds(10)).until(() -> writer.openFiles() == 0);

      writer.append(dir.resolve("r3/journal.jsonl"), line(1)).get();
      assertThat(writer.openFiles()).isEqualTo(1);
    }
    assertThat(lines(dir.resolve("r3/journal.jsonl"))).containsExactly(line(0), line(1));
  }

  private static String line(int n) {
    return "{\"round\":" + n + "}";
  }

  /** The JSON texts of the file's lines; fails on any line that is not whole and intact. */
  private static List<String> lines(Path file) throws Exception {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).as("ends with a newline").endsWith("\n");
    List<String> json = new ArrayList<>();
    for (String line : text.split("\n")) {
      json.add(JournalLine.decode(line));
    }
    return json;
  }
}
