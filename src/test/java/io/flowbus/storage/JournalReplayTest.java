package io.flowbus.storage;

import static io.flowbus.storage.JournalFixture.RUN;
import static io.flowbus.storage.JournalFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay after a crash or a damaged disk: a torn last line is cut and the run goes on; anything
 * else that cannot be read makes the run DAMAGED and leaves its journal as it is.
 */
class JournalReplayTest {
  @TempDir Path data;
  private JournalFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new JournalFixture(data);
  }

  @Test
  void aTornTailIsCutAtEveryLengthAndTheNextAppendStartsOnAFreshLine() throws Exception {
    List<RunEvent> events = fixture.succeededRun(3);
    fixture.write(events.subList(0, events.size() - 3)); // the last task still runs
    byte[] whole = fixture.bytes();
    String[] lines = new String(whole, StandardCharsets.UTF_8).split("\n");
    int lastTwo = lines[lines.length - 1].length() + lines[lines.length - 2].length() + 2;

    for (int cut = 1; cut <= lastTwo; cut++) {
      byte[] torn = Arrays.copyOf(whole, whole.length - cut);
      Files.write(fixture.journal(), torn);
      int wholeLines = count(torn, (byte) '\n');

      Run run = fixture.load();

      assertThat(run.state()).as("cut %d bytes", cut).isEqualTo(RunState.RUNNING);
      assertThat(run.version()).as("one version per whole event").isEqualTo(wholeLines);
      assertThat(fixture.bytes()).as("cut %d bytes", cut).endsWith((byte) '\n');
      assertThat(fixture.bytes()).hasSize(lengthOfLines(torn));

      fixture.append(run, new RunEvent.Cancelled(T, "after the crash"));
      Run again = fixture.load();

      assertThat(again.state()).as("the append is seen, cut %d", cut).isEqualTo(RunState.CANCELLED);
      assertThat(again.version()).isEqualTo(wholeLines + 1);
    }
  }

  @Test
  void aCorruptLineAnywhereAfterTheFirstMakesTheRunDamagedAndLeavesTheFile() throws Exception {
    fixture.write(fixture.succeededRun(4));
    byte[] good = fixture.bytes();
    int[] starts = lineStarts(good);

    for (int line = 1; line < starts.length; line++) {
      byte[] bad = good.clone();
      int at = starts[line] + 20; // inside the JSON text
      bad[at] = (byte) (bad[at] == '0' ? '1' : '0');
      Files.write(fixture.journal(), bad);

      Run run = fixture.load();

      assertThat(run.state()).as("line %d altered", line + 1).isEqualTo(RunState.DAMAGED);
      assertThat(run.error())
          .startsWith("journal line " + (line + 1) + " is corrupt: checksum")
          .contains("it was altered");
      assertThat(run.hasRunningTasks()).isFalse();
      assertThat(fixture.bytes()).as("nothing cut or appended").isEqualTo(bad);
    }
  }

  @Test
  void aGarbageLineInASucceededRunMakesItDamagedNotRunningAgain() throws Exception {
    fixture.write(fixture.succeededRun(4));
    List<String> lines = new ArrayList<>(Files.readAllLines(fixture.journal()));
    lines.add(8, "\u0000\u0000 garbage");
    Files.write(fixture.journal(), lines);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).startsWith("journal line 9 is corrupt: not a journal line");
    assertThat(run.task("s0-t0").state())
        .as("what was replayed is kept")
        .isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void aLineBlankedByCorruptionMakesTheRunDamagedNotSkipped() throws Exception {
    fixture.write(fixture.succeededRun(2));
    List<String> lines = new ArrayList<>(Files.readAllLines(fixture.journal()));
    lines.set(7, ""); // a task's end lost: skipping it would run the task again
    Files.write(fixture.journal(), lines);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).isEqualTo("journal line 8 is corrupt: it is empty");
  }

  @Test
  void anIntactLineThatWouldRunAFinishedTaskAgainMakesTheRunDamaged() throws Exception {
    fixture.write(fixture.succeededRun(2));
    List<String> lines = new ArrayList<>(Files.readAllLines(fixture.journal()));
    String again = EventCodec.encode(new RunEvent.TaskDispatched(T, "s0-t0", 2, "n2")).encode();
    lines.add(8, JournalLine.encode(again)); // after s0-t0 succeeded

    Files.write(fixture.journal(), lines);
    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error())
        .isEqualTo("journal line 9 cannot be replayed: task cannot go from SUCCEEDED to RUNNING");
  }

  @Test
  void aCorruptFirstLineLeavesARunKnownByItsIdAlone() throws Exception {
    fixture.write(fixture.succeededRun(2));
    byte[] bad = fixture.bytes();
    bad[30] = (byte) (bad[30] == 'a' ? 'b' : 'a');
    Files.write(fixture.journal(), bad);

    Run run = fixture.load();

    assertThat(run.id()).isEqualTo(RUN);
    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).startsWith("journal line 1 is corrupt: checksum");
    assertThat(run.jobId()).as("not taken from an altered line").isNull();
    assertThat(run.createdAt()).as("as the run id tells").isEqualTo(T);
    assertThat(run.stages()).isEmpty();
    assertThat(fixture.bytes()).isEqualTo(bad);
  }

  @Test
  void anIntactFirstLineThatCannotBeReplayedStillNamesTheJob() throws Exception {
    fixture.write(fixture.succeededRun(2));
    Files.delete(fixture.layout.definitions(JournalFixture.VERSION));

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.jobId()).isEqualTo("j");
    assertThat(run.error()).startsWith("journal line 1 cannot be replayed: archived definitions");
  }

  @Test
  void anEmptyJournalIsDamaged() throws Exception {
    Files.createDirectories(fixture.layout.meta(RUN));
    Files.write(fixture.journal(), new byte[0]);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).contains("the journal is empty");
  }

  @Test
  void aJournalWhoseOnlyLineIsTornIsDamagedAndKeptAsItIs() throws Exception {
    fixture.write(fixture.succeededRun(1).subList(0, 1));
    byte[] torn = Arrays.copyOf(fixture.bytes(), 40);
    Files.write(fixture.journal(), torn);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).contains("only line was cut short by a crash");
    assertThat(fixture.bytes()).isEqualTo(torn);
  }

  @Test
  void aJournalThatCannotBeReadIsDamaged() throws Exception {
    Files.createDirectories(fixture.journal()); // reading a directory fails, even as root

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.error()).startsWith("the journal cannot be read:");
  }

  @Test
  void linesWrittenBeforeChecksumsStillReplayAndTakeNewLinesAfterThem() throws Exception {
    List<RunEvent> events = fixture.succeededRun(2);
    StringBuilder legacy = new StringBuilder();
    for (RunEvent e : events.subList(0, events.size() - 3)) {
      legacy.append(EventCodec.encode(e).encode()).append('\n');
    }
    Files.writeString(fixture.journal(), legacy);

    Run run = fixture.load();
    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    assertThat(run.version()).isEqualTo(events.size() - 3);

    fixture.append(run, new RunEvent.Cancelled(T, "stop"));
    assertThat(fixture.load().state()).isEqualTo(RunState.CANCELLED);
    assertThat(Files.readAllLines(fixture.journal()).get(0)).startsWith("{");
  }

  private static int count(byte[] bytes, byte b) {
    int n = 0;
    for (byte x : bytes) {
      n += x == b ? 1 : 0;
    }
    return n;
  }

  private static int lengthOfLines(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return end;
  }

  private static int[] lineStarts(byte[] bytes) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }
}
