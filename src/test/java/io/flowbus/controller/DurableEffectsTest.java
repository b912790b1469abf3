package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.OnContext;
import io.flowbus.views.RunViews;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of a change leaves before its event is in the journal; a change that cannot be written is
 * undone, on a real journal whose writes fail on demand, in order with the others.
 */
class DurableEffectsTest {
  private static final String YAML =
      "tasks: {t: {exec_command: t}}\n"
          + "jobs: {j: {stages: [{name: a, task_class: t}, {name: b, task_class: t}]}}\n";
  private static final String VERSION = "0".repeat(63) + "1";
  private static final String RUN = "20261126-100000-000-abc1";

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final JournalWriter writer = new JournalWriter(false);
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final List<String> published = new CopyOnWriteArrayList<>();
  private final List<String> ready = new CopyOnWriteArrayList<>();
  private final List<String> rolledBack = new CopyOnWriteArrayList<>();

  /** Tasks handed out while their run was not shown: the dispatcher would drop them. */
  private final List<String> readyUnknown = new CopyOnWriteArrayList<>();

  private volatile Predicate<RunEvent> failing = e -> false;
  private DataLayout layout;
  private RunStore store;
  private DurableEffects durable;
  private RunCoordinator coordinator;
  private RunPlan plan;

  @BeforeEach
  void setUp() throws Exception {
    layout = new DataLayout(data);
    store = new RunStore(layout, writer);
    store.archiveDefinitions(VERSION, YAML);
    Definitions d = DefinitionsLoader.parse(YAML, "t.yaml");
    plan = RunPlan.of(d, d.jobs().get("j"), VERSION);
    durable =
        new DurableEffects(
            context, new FaultyEventStore(writer, store, () -> failing), new Recorder());
    coordinator = new RunCoordinator(Clock.systemUTC(), durable);
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
  }

  @Test
  void aRunWhoseCreationCannotBeWrittenNeverExistsAndNothingOfItIsDispatched() throws Exception {
    failing = e -> e instanceof RunEvent.Created; // the events after it are written: cut again

    Throwable failure = failureOf(onContext(this::createAndStart));

    assertThat(failure).hasMessageContaining("No space left on device");
    assertThat(runs).isEmpty();
    assertThat(ready).isEmpty();
    assertThat(published).isEmpty();
    await().until(() -> !Files.exists(layout.meta(RUN)));
    assertThat(rolledBack).containsExactly(RUN);
  }

  @Test
  void nothingIsShownPublishedOrDispatchedBeforeItIsDurable() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    writer.execute(
        null,
        () -> { // the journal stalls, as on a slow disk
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Future<JsonObject> created = onContext(this::createAndStart);
    Future<Void> settled = onContext(() -> durable.settled(RUN));

    assertThat(created.isComplete()).isFalse();
    assertThat(settled.isComplete()).isFalse();
    assertThat(runs).isEmpty();
    assertThat(published).isEmpty();
    assertThat(ready).isEmpty();

    gate.countDown();
    await().until(() -> created.succeeded() && settled.succeeded());
    assertThat(runs).containsKey(RUN);
    assertThat(published).containsExactly("Created", "Started", "StageStarted");
    assertThat(ready).containsExactly("s0-t0");
  }

  @Test
  void aTaskOfARunWhoseStagesStartAtOnceIsHandedOutOnlyOnceItsRunIsShown() throws Exception {
    // stage b starts beside a: the creating step writes Created, Started, a's and b's StageStarted
    String yaml =
        YAML.replace("{name: b, task_class: t}", "{name: b, task_class: t, depends_on: []}");
    Definitions d = DefinitionsLoader.parse(yaml, "t.yaml");
    plan = RunPlan.of(d, d.jobs().get("j"), VERSION);
    StallingEventStore slowSecondStage =
        new StallingEventStore(
            writer, store, e -> e instanceof RunEvent.StageStarted s && s.stage() == 1);
    durable = new DurableEffects(context, slowSecondStage, new Recorder());
    coordinator = new RunCoordinator(Clock.systemUTC(), durable);

    Future<JsonObject> created = onContext(this::createAndStart);
    await().until(() -> published.size() == 3); // a's start is durable, and with it s0-t0's offer
    assertThat(onContext(() -> List.copyOf(ready))).isEmpty();
    assertThat(runs).isEmpty();

    slowSecondStage.release();
    await().until(created::succeeded);
    assertThat(ready).containsExactlyInAnyOrder("s0-t0", "s1-t0");
    assertThat(readyUnknown).isEmpty();
  }

  @Test
  void aResultThatCannotBeWrittenChangesNothingAndIsAppliedOnceWhenSentAgain() throws Exception {
    succeeds(this::createAndStart);
    succeeds(() -> dispatch("s0-t0"));
    // the stage's end and the next stage's start, on their way already, are written: cut again
    failing = e -> e instanceof RunEvent.TaskEnded;

    Future<Boolean> first = onContext(() -> end("s0-t0"));

    assertThat(failureOf(first)).hasMessageContaining("No space left on device");
    await().until(() -> rolledBack.contains(RUN));
    assertThat(state(RUN, "s0-t0")).isEqualTo(TaskState.RUNNING);
    assertThat(onContext(() -> runs.get(RUN).stage(0).state())).isEqualTo(TaskState.RUNNING);
    assertThat(published).containsExactly("Created", "Started", "StageStarted", "TaskDispatched");
    assertThat(ready).containsExactly("s0-t0");
    assertThat(journalCount("task_ended")).isZero();
    assertThat(journalCount("stage_ended")).isZero();
    assertThat(journalCount("stage_started")).isEqualTo(1);

    failing = e -> false; // space is back: the worker sends its result again
    Future<Boolean> again = onContext(() -> end("s0-t0"));
    await().until(again::succeeded);
    assertThat(again.result()).isTrue();
    assertThat(state(RUN, "s0-t0")).isEqualTo(TaskState.SUCCEEDED);
    assertThat(published).containsOnlyOnce("TaskEnded", "StageEnded");
    assertThat(ready).containsExactly("s0-t0", "s1-t0");
    assertThat(journalCount("task_ended")).isEqualTo(1);
    Run replayed = onContext(() -> store.rollBack(RUN, 0)).get(10, TimeUnit.SECONDS);
    assertThat(replayed.task("s0-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(replayed.task("s1-t0").state()).isEqualTo(TaskState.PENDING);
  }

  @Test
  void aRunStaysRolledBackWhileTheDiskStaysFullAndRecoversWhenSpaceReturns() throws Exception {
    succeeds(this::createAndStart);
    failing = e -> true;

    Future<Void> dispatched = onContext(() -> dispatch("s0-t0"));
    assertThat(failureOf(dispatched)).hasMessageContaining("No space left on device");
    await().until(() -> rolledBack.contains(RUN));
    Future<Boolean> cancelled =
        onContext(
            () ->
                durable.step(
                    () -> {
                      coordinator.cancel(runs.get(RUN), "no more");
                      return true;
                    }));
    assertThat(failureOf(cancelled)).hasMessageContaining("No space left on device");
    await().until(() -> rolledBack.size() == 2);
    assertThat(onContext(() -> runs.get(RUN).state())).isEqualTo(RunState.RUNNING);

    failing = e -> false;
    succeeds(() -> dispatch("s0-t0"));
    succeeds(() -> end("s0-t0"));
    assertThat(state(RUN, "s0-t0")).isEqualTo(TaskState.SUCCEEDED);
  }

  private Future<JsonObject> createAndStart() {
    return durable.step(
        () -> {
          Run run = coordinator.create(RUN, plan, Map.of(), Set.of());
          coordinator.start(run);
          return RunViews.run(run);
        });
  }

  private Future<Void> dispatch(String taskId) {
    Run run = runs.get(RUN);
    return durable.step(
        () -> {
          coordinator.dispatched(run, run.task(taskId), 1, "n1");
          return null;
        });
  }

  private Future<Boolean> end(String taskId) {
    Run run = runs.get(RUN);
    return durable.step(
        () -> coordinator.ended(run, run.task(taskId), 1, AttemptState.SUCCEEDED, 0, null, null));
  }

  private TaskState state(String runId, String taskId) throws Exception {
    return onContext(() -> runs.get(runId).task(taskId).state());
  }

  private long journalCount(String type) throws IOException {
    return Files.readAllLines(layout.journal(RUN)).stream()
        .filter(l -> l.contains("\"" + type + "\""))
        .count();
  }

  private <T> T succeeds(Callable<Future<T>> step) throws Exception {
    return OnContext.succeeds(context, step);
  }

  private static Throwable failureOf(Future<?> future) {
    return OnContext.failureOf(future);
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }

  /** Stands for the orchestrator: what it would show, publish and dispatch. */
  private final class Recorder implements DurableEffects.Visible {
    @Override
    public void durable(Run run, RunEvent event, List<JsonObject> messages) {
      published.add(event.getClass().getSimpleName());
    }

    @Override
    public void ready(TaskRun task) {
      ready.add(task.id());
      if (!runs.containsKey(task.runId())) {
        readyUnknown.add(task.id());
      }
    }

    @Override
    public void stop(TaskRun task, String reason) {}

    @Override
    public void created(Run run) {
      runs.put(run.id(), run);
    }

    @Override
    public void frozen(String runId) {}

    @Override
    public void rolledBack(String runId, Run run) {
      rolledBack.add(runId);
      if (run == null) {
        runs.remove(runId);
      } else {
        runs.put(runId, run);
      }
    }
  }
}
