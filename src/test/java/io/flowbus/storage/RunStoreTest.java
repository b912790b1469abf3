package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
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
  private static final String SECRET = "Basic c2VjcmV0";

  @TempDir Path data;
  private final JournalWriter writer = new JournalWriter(true);

  @AfterEach
  void close() {
    writer.close();
  }

  @Test
  void aJournalReplaysToTheSameRunWithoutEverHoldingTheSecret() throws Exception {
    DataLayout layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(version(), YAML);
    Run run = record(store, layout);
    store.record(run, event(run, new RunEvent.TaskDispatched(T, "s0-t1", 1, "n1"))).get();

    String journal = Files.readString(layout.journal(RUN));
    assertThat(journal).doesNotContain(SECRET).contains("\"auth\":\"***\"");

    List<Run> loaded = new RunStore(layout, writer).loadAll();
    assertThat(loaded).hasSize(1);
    Run replayed = loaded.get(0);
    assertThat(replayed.version()).isEqualTo(run.version());
    assertThat(replayed.inputs()).containsEntry("auth", SECRET);
    assertThat(replayed.task("s0-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(replayed.task("s0-t1").state()).isEqualTo(TaskState.RUNNING);
    assertThat(replayed.task("s0-t1").currentAttempt().node()).isEqualTo("n1");
  }

  @Test
  void aTornLastLineIsLeftOutAndTheRestReplays() throws Exception {
    DataLayout layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(version(), YAML);
    Run run = record(store, layout);
    Files.writeString(
        layout.journal(RUN),
        "{\"at\":\"2026-11-26T10:00:0",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    Run replayed = new RunStore(layout, writer).loadAll().get(0);

    assertThat(replayed.version()).isEqualTo(run.version());
  }

  @Test
  void anUnreadableJournalIsDamagedWithoutKeepingTheOthersFromLoading() throws Exception {
    DataLayout layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(version(), YAML);
    record(store, layout);
    writer.execute(null, () -> {}).get();
    String other = "20261126-100000-001-efgh";
    Files.createDirectories(layout.meta(other));
    Files.write(
        layout.journal(other), new byte[] {'{', (byte) 0xC3, '\n', (byte) 0xFF, (byte) 0xFE, '\n'});

    List<Run> loaded = new RunStore(layout, writer).loadAll();

    assertThat(loaded).extracting(Run::id).containsExactly(RUN, other);
    assertThat(loaded.get(0).state()).isNotEqualTo(RunState.DAMAGED);
    assertThat(loaded.get(1).state()).isEqualTo(RunState.DAMAGED);
    assertThat(loaded.get(1).error()).startsWith("journal line 1 is corrupt");
  }

  @Test
  void aRunThatCanBeRetriedKeepsItsSecretsForTheNextOrchestrator() throws Exception {
    for (RunEvent end :
        List.<RunEvent>of(
            new RunEvent.Cancelled(T, "stop"), new RunEvent.Ended(T, RunState.FAILED, "failed"))) {
      DataLayout layout = new DataLayout(data.resolve(end.getClass().getSimpleName()));
      RunStore store = new RunStore(layout, writer);
      store.archiveDefinitions(version(), YAML);
      Run run = record(store, layout);

      store.record(run, event(run, end)).get();
      writer.execute(null, () -> {}).get();

      Run replayed = new RunStore(layout, writer).loadAll().get(0);
      assertThat(replayed.state()).isIn(RunState.CANCELLED, RunState.FAILED);
      assertThat(replayed.secretValues()).as("a retry can run with them").containsExactly(SECRET);
      assertThat(Files.readString(layout.secrets(RUN), StandardCharsets.ISO_8859_1))
          .doesNotContain(SECRET);
    }
  }

  @Test
  void theSecretsFileGoesWhenTheRunSucceeds() throws Exception {
    DataLayout layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(version(), YAML);
    Run run = record(store, layout);
    assertThat(layout.secrets(RUN)).exists();

    store.record(run, event(run, new RunEvent.Ended(T, RunState.SUCCEEDED, null))).get();
    writer.execute(null, () -> {}).get();

    assertThat(layout.secrets(RUN)).doesNotExist();
    assertThat(new RunStore(layout, writer).loadAll().get(0).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void deleteRemovesWorkspaceAndJournal() throws Exception {
    DataLayout layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(version(), YAML);
    record(store, layout);
    Files.createDirectories(layout.workspace(RUN).resolve("out"));
    Files.writeString(layout.workspace(RUN).resolve("out/x.txt"), "x");

    store.delete(RUN).get();

    assertThat(layout.workspace(RUN)).doesNotExist();
    assertThat(layout.meta(RUN)).doesNotExist();
    assertThat(new RunStore(layout, writer).loadAll()).isEmpty();
  }

  @Test
  void idsThatLeaveTheDataDirectoryAreRefused() {
    DataLayout layout = new DataLayout(data);
    assertThatThrownBy(() -> layout.workspace("../etc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout.log(RUN, "../../x", 1, "stdout"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A run whose stage spawned two tasks, the first of which succeeded. */
  private Run record(RunStore store, DataLayout layout) throws Exception {
    Definitions d = DefinitionsLoader.parse(YAML, "t.yaml");
    RunEvent.Created created =
        new RunEvent.Created(
            T,
            RUN,
            RunPlan.of(d, d.jobs().get("j"), version()),
            Map.of("auth", SECRET),
            Set.of("auth"));
    Run run = Run.create(created);
    store.record(run, created);
    List<Map<String, String>> entries = new ArrayList<>(List.of(Map.of(), Map.of()));
    Files.createDirectories(layout.meta(RUN));
    Files.writeString(layout.spawnEntries(RUN, 0), "[{},{}]");
    for (RunEvent e :
        List.of(
            new RunEvent.Started(T),
            new RunEvent.StageStarted(T, 0),
            new RunEvent.TaskDispatched(T, "s0-spawn", 1, "n1"),
            new RunEvent.TaskEnded(T, "s0-spawn", 1, AttemptState.SUCCEEDED, 0, null, null),
            new RunEvent.Spawned(T, 0, entries),
            new RunEvent.TaskDispatched(T, "s0-t0", 1, "n1"),
            new RunEvent.TaskEnded(T, "s0-t0", 1, AttemptState.SUCCEEDED, 0, null, null))) {
      store.record(run, event(run, e)).get();
    }
    return run;
  }

  private static RunEvent event(Run run, RunEvent e) {
    run.apply(e);
    return e;
  }

  private static String version() {
    return "0".repeat(63) + "1";
  }
}
