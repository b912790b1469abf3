package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.Trigger;
import io.flowbus.views.RunViews;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleJournalTest {
  private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant DUE = Instant.parse("2026-11-26T10:01:00Z");
  private static final List<ScheduleEvent> EVENTS =
      List.of(
          new ScheduleEvent.Armed(T, "s", "0123abcd"),
          new ScheduleEvent.Fired(T, "s", DUE, "j"),
          new ScheduleEvent.RunStarted(T, "s", DUE, "run-1"),
          new ScheduleEvent.RunStarted(T, "s", null, "run-2"),
          new ScheduleEvent.Skipped(T, "s", DUE.plusSeconds(60), "its last run run-2 is RUNNING"),
          new ScheduleEvent.Paused(T, "s"),
          new ScheduleEvent.Resumed(T, "s"),
          new ScheduleEvent.Removed(T, "s"));

  @TempDir Path data;
  private final JournalWriter writer = new JournalWriter(true);

  @AfterEach
  void close() {
    writer.close();
  }

  @Test
  void everyEventReadsBackAsWritten() throws Exception {
    ScheduleJournal journal = new ScheduleJournal(new DataLayout(data), writer);
    for (ScheduleEvent e : EVENTS) {
      journal.append(e).get();
    }

    assertThat(new ScheduleJournal(new DataLayout(data), writer).load())
        .containsExactlyElementsOf(EVENTS);
  }

  @Test
  void aTornLastLineIsLeftOutAndCutBeforeTheNextAppend() throws Exception {
    DataLayout layout = new DataLayout(data);
    ScheduleJournal journal = new ScheduleJournal(layout, writer);
    journal.append(EVENTS.get(0)).get();
    writer.closeFile(layout.scheduleJournal()).get();
    Files.writeString(
        layout.scheduleJournal(), "0badc0de {\"type\":\"fir", StandardOpenOption.APPEND);

    assertThat(journal.load()).containsExactly(EVENTS.get(0));

    journal.append(EVENTS.get(1)).get();
    assertThat(journal.load()).containsExactly(EVENTS.get(0), EVENTS.get(1));
  }

  @Test
  void aLongJournalIsCompactedToOneStateLinePerScheduleAndAppendsGoOnAfterIt() throws Exception {
    DataLayout layout = new DataLayout(data);
    ScheduleJournal journal = new ScheduleJournal(layout, writer);
    List<ScheduleEvent> written = new java.util.ArrayList<>();
    written.add(new ScheduleEvent.Armed(T, "a", "f1"));
    written.add(new ScheduleEvent.Armed(T, "b", "f2"));
    for (int i = 0; i < 100; i++) {
      Instant due = DUE.plusSeconds(60L * i);
      written.add(new ScheduleEvent.Fired(due, "a", due, "j"));
      written.add(new ScheduleEvent.RunStarted(due, "a", due, "run-" + i));
    }
    written.add(new ScheduleEvent.Paused(T, "b"));
    written.add(new ScheduleEvent.Fired(T, "a", DUE.plusSeconds(60L * 100), "j")); // pending
    for (ScheduleEvent e : written) {
      journal.append(e).get();
    }

    List<ScheduleEvent> replayed = journal.loadCompacting(8);

    assertThat(Files.readAllLines(layout.scheduleJournal())).hasSize(2);
    assertThat(states(replayed)).isEqualTo(states(written)).isEqualTo(states(journal.load()));
    assertThat(states(replayed).get("a").pending()).isNotNull();
    ScheduleEvent after = new ScheduleEvent.Resumed(T.plusSeconds(9_999), "b");
    journal.append(after).get();
    written.add(after);
    assertThat(states(journal.load())).isEqualTo(states(written));
    assertThat(journal.loadCompacting(8)).hasSize(3); // short now: left as it is
  }

  private static Map<String, io.flowbus.model.ScheduleState> states(List<ScheduleEvent> events) {
    Map<String, io.flowbus.model.ScheduleState> states = new java.util.HashMap<>();
    events.forEach(
        e ->
            states.put(
                e.schedule(),
                states.getOrDefault(e.schedule(), io.flowbus.model.ScheduleState.NEW).apply(e)));
    return states;
  }

  @Test
  void anAlteredLineIsLeftOutAndTheOthersCount() throws Exception {
    DataLayout layout = new DataLayout(data);
    ScheduleJournal journal = new ScheduleJournal(layout, writer);
    for (ScheduleEvent e : EVENTS.subList(0, 3)) {
      journal.append(e).get();
    }
    writer.closeFile(layout.scheduleJournal()).get();
    List<String> lines = Files.readAllLines(layout.scheduleJournal(), StandardCharsets.UTF_8);
    Files.writeString(
        layout.scheduleJournal(),
        lines.get(0) + "\n" + lines.get(1).replace("\"j\"", "\"k\"") + "\n" + lines.get(2) + "\n");

    assertThat(journal.load()).containsExactly(EVENTS.get(0), EVENTS.get(2));
  }

  @Test
  void theScheduleJournalIsNeverTakenForARun() throws Exception {
    DataLayout layout = new DataLayout(data);
    new ScheduleJournal(layout, writer).append(EVENTS.get(0)).get();

    assertThat(new RunStore(layout, writer).loadAll()).isEmpty();
  }

  @Test
  void aRunKeepsItsTriggerThroughTheJournalAndShowsIt() throws Exception {
    String yaml =
        "tasks: {t: {exec_command: t}}\njobs: {j: {stages: [{name: a, task_class: t}]}}\n";
    String version = "0".repeat(63) + "1";
    Definitions d = DefinitionsLoader.parse(yaml, "t.yaml");
    RunStore store = new RunStore(new DataLayout(data), writer);
    store.archiveDefinitions(version, yaml);
    RunPlan plan = RunPlan.of(d, d.jobs().get("j"), version);
    RunEvent.Created scheduled =
        new RunEvent.Created(
            T, "run-1", plan, Map.of(), Set.of(), null, new Trigger("nightly", DUE));
    RunEvent.Created byHand =
        new RunEvent.Created(
            T, "run-2", plan, Map.of(), Set.of(), null, new Trigger("nightly", null));
    RunEvent.Created asked = new RunEvent.Created(T, "run-3", plan, Map.of(), Set.of());
    for (RunEvent.Created c : List.of(scheduled, byHand, asked)) {
      store.record(Run.create(c), c).get();
    }

    List<Run> loaded = store.loadAll();

    assertThat(loaded)
        .extracting(Run::trigger)
        .containsExactly(new Trigger("nightly", DUE), new Trigger("nightly", null), null);
    assertThat(RunViews.run(loaded.get(0)).getJsonObject("trigger"))
        .isEqualTo(new JsonObject().put("schedule", "nightly").put("due_at", DUE.toString()));
    assertThat(RunViews.run(loaded.get(1)).getJsonObject("trigger"))
        .isEqualTo(new JsonObject().put("schedule", "nightly").putNull("due_at"));
    JsonObject plain = RunViews.run(loaded.get(2));
    assertThat(plain.containsKey("trigger")).isTrue();
    assertThat(plain.getValue("trigger")).isNull();
  }
}
