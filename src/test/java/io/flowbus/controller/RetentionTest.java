package io.flowbus.controller;

import static io.flowbus.testing.OnContext.call;
import static io.flowbus.testing.OnContext.succeeds;
import static io.flowbus.testing.RunBuilder.aRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.RunBuilder;
import io.flowbus.testing.RunEvents;
import io.flowbus.testing.SettableClock;
import io.flowbus.testing.TaskClassBuilder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention through the orchestrator's real delete path, on a real data directory, with a clock the
 * test moves: what ended longer ago than the retention goes with every file of it, nothing else.
 */
class RetentionTest {
  private static final Duration KEEP = Duration.ofDays(7);
  private static final String YAML =
      "tasks: {t: {exec_command: t}}\njobs: {j: {stages: [{name: a, task_class: t}]}}\n";

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final JournalWriter writer = new JournalWriter(false);
  private final SettableClock clock = new SettableClock();
  private DataLayout layout;
  private Runs runs;
  private IdempotencyKeys keys;
  private Retention retention;

  @BeforeEach
  void setUp() throws Exception {
    layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    WritesWiring wiring =
        WritesWiring.of(vertx, context, clock, store, EventStore.of(store), YAML, data);
    runs = wiring.runs();
    keys = wiring.keys();
    RunWrites writes = wiring.writes();
    retention = new Retention(vertx, clock, KEEP, runs, store, writes);
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
  }

  @Test
  void runsEndedLongerAgoGoWithAllTheirFilesInBatchesAndTheRestStays() throws Exception {
    Instant now = clock.instant();
    List<String> old = new ArrayList<>();
    for (int i = 0; i < Retention.BATCH * 2 + 5; i++) {
      old.add(hold(ended("old-" + i, now.minus(KEEP).minusSeconds(1 + i), RunState.SUCCEEDED)));
    }
    String keyed = hold(ended("keyed", now.minus(KEEP).minusSeconds(5), RunState.FAILED));
    call(context, () -> keyOf(keyed));
    String justUnder = hold(ended("just-under", now.minus(KEEP).plusSeconds(1), RunState.FAILED));
    String running = hold(aRun().withId("running").started());
    String paused = hold(aRun().withId("paused").started().then(new RunEvent.Paused(now)));
    String notStarted = hold(aRun().withId("not-started"));
    assertThat(call(context, keys::size)).isEqualTo(1);

    int deleted = succeeds(context, retention::sweep);

    assertThat(deleted).isEqualTo(old.size() + 1);
    assertThat(call(context, () -> ids())).containsOnly(justUnder, running, paused, notStarted);
    assertThat(call(context, keys::size)).as("the deleted run's idempotency key").isZero();
    for (String id : old) {
      assertThat(layout.workspace(id)).doesNotExist();
      assertThat(layout.meta(id)).doesNotExist();
    }
    assertThat(layout.workspace(keyed)).doesNotExist();
    assertThat(layout.meta(running)).exists();
    assertThat(layout.journal(justUnder)).exists();
  }

  @Test
  void aRunEndedJustUnderTheRetentionGoesOnceItIsOver() throws Exception {
    String id =
        hold(ended("just-under", clock.instant().minus(KEEP).plusSeconds(2), RunState.SUCCEEDED));

    assertThat((int) succeeds(context, retention::sweep)).isZero();
    assertThat(layout.meta(id)).exists();

    clock.advance(Duration.ofSeconds(3));
    assertThat((int) succeeds(context, retention::sweep)).isOne();
    assertThat(call(context, () -> ids())).isEmpty();
    assertThat(layout.meta(id)).doesNotExist();
    assertThat(layout.workspace(id)).doesNotExist();
  }

  @Test
  void runsThatHaveNotEndedOrStillStopTasksStayHoweverOld() throws Exception {
    hold(aRun().withId("running").started());
    hold(aRun().withId("paused").started().then(new RunEvent.Paused(RunEvents.T0)));
    hold(aRun().withId("created"));
    Run stopping =
        RunBuilder.aRunningFanOut(1).withId("stopping").then(RunEvents.cancelled()).build();
    assertThat(stopping.state()).isEqualTo(RunState.CANCELLED);
    assertThat(stopping.hasRunningTasks()).as("its task is still stopping").isTrue();
    hold(RunBuilder.aRunningFanOut(1).withId("stopping").then(RunEvents.cancelled()));
    clock.advance(Duration.ofDays(3650));

    assertThat((int) succeeds(context, retention::sweep)).isZero();
    assertThat(call(context, () -> ids())).containsOnly("running", "paused", "created", "stopping");
  }

  @Test
  void aRunWhoseNotificationIsStillDueStaysUntilItIsDeliveredOrGivenUp() throws Exception {
    RunPlan notifying =
        DefinitionsBuilder.aDefinitions()
            .task(TaskClassBuilder.aTask("t"))
            .job(
                JobBuilder.aJob("j")
                    .stage("s", "t")
                    .with(
                        "notify",
                        List.of(Map.of("url", "https://a.example/", "on", List.of("failed")))))
            .build()
            .job("j")
            .map(job -> new RunPlan(job, Map.of(), DefinitionsBuilder.VERSION))
            .orElseThrow();
    Instant endedAt = clock.instant().minus(KEEP).minusSeconds(60);
    String id = hold(ended("notifying", endedAt, RunState.FAILED).withPlan(notifying));

    assertThat((int) succeeds(context, retention::sweep)).isZero();
    assertThat(layout.meta(id)).exists();
  }

  @Test
  void aDamagedRunCountsAsEndedWhenItsJournalWasLastWritten() throws Exception {
    Instant now = clock.instant();
    String old = damaged("damaged-old", now.minus(KEEP).minusSeconds(60));
    String recent = damaged("damaged-recent", now.minus(KEEP).plusSeconds(60));

    assertThat((int) succeeds(context, retention::sweep)).isOne();
    assertThat(call(context, () -> ids())).containsOnly(recent);
    assertThat(layout.meta(old)).doesNotExist();
  }

  @Test
  void withoutRetentionNothingIsDeleted() throws Exception {
    hold(ended("old", clock.instant().minus(Duration.ofDays(3650)), RunState.SUCCEEDED));
    Retention none = new Retention(vertx, clock, null, runs, null, null);

    assertThat((int) succeeds(context, none::sweep)).isZero();
    assertThat(call(context, () -> ids())).containsOnly("old");
  }

  private static RunBuilder ended(String id, Instant at, RunState state) {
    return aRun()
        .withId(id)
        .started()
        .then(new RunEvent.Ended(at, state, state == RunState.FAILED ? "boom" : null));
  }

  /** The run held by the orchestrator, with a journal, a log, secrets and a workspace file. */
  private String hold(RunBuilder builder) throws Exception {
    Run run = builder.build();
    files(run.id());
    call(
        context,
        () -> {
          runs.put(run);
          return null;
        });
    return run.id();
  }

  private String damaged(String id, Instant lastWritten) throws Exception {
    Run run = Run.damaged(id, "j", RunEvents.T0, "line 3 is not JSON");
    files(id);
    Files.setLastModifiedTime(layout.journal(id), FileTime.from(lastWritten));
    call(
        context,
        () -> {
          runs.put(run);
          return null;
        });
    return id;
  }

  /** A key still held for the run (as after a create less than 24 hours ago). */
  private Void keyOf(String id) {
    keys.put("fetch-all", new Idempotency("K", "f"), id, clock.instant());
    return null;
  }

  private void files(String id) throws Exception {
    Files.createDirectories(layout.workspace(id).resolve("out"));
    Files.writeString(layout.workspace(id).resolve("out/result.txt"), "result");
    Path log = layout.log(id, "s0-t0", 1, "stdout");
    Files.createDirectories(log.getParent());
    Files.writeString(log, "hello");
    Files.writeString(layout.journal(id), "{}\n");
    Files.writeString(layout.secrets(id), "sealed");
  }

  private List<String> ids() {
    try (Stream<Run> all = runs.all().stream()) {
      return all.map(Run::id).toList();
    }
  }
}
