package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLayoutTest {
  private static final String RUN = "20260101-000000-000-abcd";

  @TempDir Path data;

  @Test
  void logsOfAHundredThousandTasksLeaveNoFolderWithMoreThanTenThousandEntries() {
    DataLayout layout = new DataLayout(data);
    // entries of every folder: a file, or a folder below it, counted once
    String top = layout.meta(RUN).toString();
    Map<String, Set<String>> entries = new HashMap<>();
    for (int index = 0; index < 100_000; index++) {
      for (String stream : new String[] {"stdout", "stderr"}) {
        String p = layout.log(RUN, "s1-t" + index, 1, stream).toString();
        String parent = p.substring(0, p.lastIndexOf('/'));
        while (entries.computeIfAbsent(parent, k -> new HashSet<>()).add(p)
            && !parent.equals(top)) {
          p = parent;
          parent = p.substring(0, p.lastIndexOf('/'));
        }
      }
    }

    assertThat(entries.values().stream().mapToInt(Set::size).max().orElseThrow())
        .isLessThanOrEqualTo(10_000);
    assertThat(entries.values().stream().mapToInt(Set::size).sum())
        .as("every log is somewhere")
        .isGreaterThanOrEqualTo(200_000);
  }

  @Test
  void eachAttemptAndStreamHasItsOwnFileGroupedByStage() {
    DataLayout layout = new DataLayout(data);
    Path logs = layout.meta(RUN).resolve("logs");

    assertThat(layout.log(RUN, "s2-t12345", 3, "stderr"))
        .isEqualTo(logs.resolve("s2/12/t12345.3.stderr.log"));
    assertThat(layout.log(RUN, "s0-t7", 1, "stdout"))
        .isEqualTo(logs.resolve("s0/0/t7.1.stdout.log"));
    assertThat(layout.log(RUN, "s1-spawn", 2, "stdout"))
        .isEqualTo(logs.resolve("s1/spawn.2.stdout.log"));
    assertThat(layout.log(RUN, "s1-t1", 1, "stdout"))
        .isNotEqualTo(layout.log(RUN, "s1-t1", 1, "stderr"))
        .isNotEqualTo(layout.log(RUN, "s1-t1", 2, "stdout"))
        .isNotEqualTo(layout.log(RUN, "s11-t1", 1, "stdout"));
  }

  @Test
  void logsOfRunsWrittenInTheFlatLayoutAreStillFound() throws IOException {
    DataLayout layout = new DataLayout(data);
    Path flat = layout.meta(RUN).resolve("logs").resolve("s1-t4.1.stdout.log");
    Files.createDirectories(flat.getParent());
    Files.writeString(flat, "old");

    assertThat(layout.existingLog(RUN, "s1-t4", 1, "stdout")).isEqualTo(flat);
    assertThat(layout.existingLog(RUN, "s1-t5", 1, "stdout"))
        .as("neither exists: the current layout")
        .isEqualTo(layout.log(RUN, "s1-t5", 1, "stdout"));

    Path current = layout.log(RUN, "s1-t4", 1, "stdout");
    Files.createDirectories(current.getParent());
    Files.writeString(current, "new");
    assertThat(layout.existingLog(RUN, "s1-t4", 1, "stdout")).isEqualTo(current);
  }

  @Test
  void taskIdsThatAreNotTaskIdsAreRefused() {
    DataLayout layout = new DataLayout(data);
    for (String bad : new String[] {"../../x", "s1-t", "s1-tx", "t1", "s1-t1/..", "", null}) {
      assertThatThrownBy(() -> layout.log(RUN, bad, 1, "stdout"))
          .as(String.valueOf(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aRunIdIsLowerCaseLettersDigitsAndDashesNotFirstUpTo64() {
    assertThat(DataLayout.isRunId("20261201-111054-552-vsjx")).isTrue();
    assertThat(DataLayout.isRunId("a")).isTrue();
    assertThat(DataLayout.isRunId("0" + "-".repeat(63))).isTrue();
    assertThat(DataLayout.isRunId("0" + "-".repeat(64))).as("65 chars").isFalse();
    assertThat(DataLayout.isRunId("-a")).isFalse();
    assertThat(DataLayout.isRunId("")).isFalse();
    assertThat(DataLayout.isRunId(null)).isFalse();
    assertThat(DataLayout.isRunId("Abc")).isFalse();
    assertThat(DataLayout.isRunId("a/b")).isFalse();
    assertThat(DataLayout.isRunId("a..b")).isFalse();
    assertThat(DataLayout.isRunId("a\u00e9")).isFalse();
  }
}
