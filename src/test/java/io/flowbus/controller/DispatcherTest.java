package io.flowbus.controller;

import static io.flowbus.testing.DefinitionsBuilder.oneTaskJob;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.RunBuilder.aRun;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.Problems;
import io.flowbus.cluster.TaskAssignment;
import io.flowbus.config.Role;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Changes;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.OnContext;
import io.flowbus.testing.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher against a real (local) event bus, with workers that answer or do not. */
class DispatcherTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final List<String> acceptedBy = new CopyOnWriteArrayList<>();
  private final SettableClock clock = new SettableClock();

  @Test
  void aTaskOnItsWayToANodeThatLeavesGoesToAnotherNode() throws Exception {
    Run run = runWithOneTask();
    vertx.eventBus().consumer(Addresses.workerTasks("a"), m -> {}); // never answers
    takesAll("b");
    Dispatcher dispatcher = onContext(() -> dispatcher(run));

    onContext(
        () -> {
          dispatcher.syncWorkers(List.of(worker("a")));
          dispatcher.confirmed("a", false, Set.of());
          dispatcher.ready(run.task("s0-t0"));
          return null;
        });
    await().until(() -> onContext(() -> dispatcher.pool().busySlots()) == 1);
    onContext(
        () -> {
          dispatcher.syncWorkers(List.of(worker("b")));
          dispatcher.confirmed("b", false, Set.of());
          return null;
        });

    await().until(() -> acceptedBy.contains("b"));
    assertThat(acceptedBy).containsExactly("b");
  }

  @Test
  void aWorkersInventoryCorrectsTheSlotsCountedForIt() throws Exception {
    Run run = runWithOneTask();
    Dispatcher dispatcher = onContext(() -> dispatcher(run));
    int busy =
        onContext(
            () -> {
              dispatcher.syncWorkers(List.of(worker("a")));
              dispatcher.pool().assign("a", AttemptKey.parse("r/s0-t0#1"));
              dispatcher.confirmed("a", false, Set.of(AttemptKey.parse("r/s0-t1#1")));
              return dispatcher.pool().busySlots();
            });
    assertThat(busy).isEqualTo(1);
    assertThat(onContext(() -> dispatcher.pool().get("a").attempts))
        .containsExactly(new AttemptKey("r", "s0-t1", 1));
  }

  @Test
  void aPausedRunsTasksStayQueuedUntilItIsResumed() throws Exception {
    Run run = runWithOneTask();
    takesAll("a");
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Dispatcher dispatcher = on(context, () -> dispatcher(run));
    on(
        context,
        () -> {
          dispatcher.syncWorkers(List.of(worker("a")));
          dispatcher.confirmed("a", false, Set.of());
          run.apply(new RunEvent.Paused(clock.instant()));
          dispatcher.ready(run.task("s0-t0"));
          return null;
        });

    // the pump the offer scheduled on this context has run before this: a context keeps order
    assertThat(on(context, () -> dispatcher.queued())).isEqualTo(1);
    assertThat(on(context, () -> dispatcher.pool().busySlots())).isZero();
    assertThat(acceptedBy).isEmpty();

    on(
        context,
        () -> {
          run.apply(new RunEvent.Resumed(clock.instant()));
          dispatcher.ready(run.task("s0-t0")); // as the coordinator offers it again on resume
          return null;
        });
    await().until(() -> acceptedBy.contains("a"));
    assertThat(acceptedBy).containsExactly("a");
    assertThat(on(context, () -> dispatcher.queued())).isZero();
  }

  @Test
  void aNewRunsStagesThatStartAtOnceAllReachAWorkerWhenTheJournalWritesTheirStartsApart(
      @TempDir Path data) throws Exception {
    String yaml =
        "tasks: {t: {exec_command: t}}\n"
            + "jobs: {j: {stages: [{name: a, task_class: t},"
            + " {name: b, task_class: t, depends_on: []}]}}\n";
    String version = "0".repeat(63) + "1";
    Definitions definitions = DefinitionsLoader.parse(yaml, "t.yaml");
    RunPlan plan = RunPlan.of(definitions, definitions.jobs().get("j"), version);
    takesAll("a");
    List<String> durableEvents = new CopyOnWriteArrayList<>();
    List<String> dispatched = new CopyOnWriteArrayList<>();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    try (JournalWriter writer = new JournalWriter(false)) {
      RunStore store = new RunStore(new DataLayout(data), writer);
      store.archiveDefinitions(version, yaml);
      // the first stage's start is written in one batch, the second stage's in a later one
      StallingEventStore journal =
          new StallingEventStore(
              writer, store, e -> e instanceof RunEvent.StageStarted s && s.stage() == 1);
      on(
          context,
          () -> {
            Runs runs = new Runs();
            ReadyQueue queue = new ReadyQueue();
            WorkerClient workers = new WorkerClient(vertx, "orchestrator-node", node -> true);
            RunEffects visible =
                new RunEffects(
                    vertx,
                    clock,
                    runs,
                    queue,
                    workers,
                    new OrchestratorMetrics(new SimpleMeterRegistry()));
            visible.afterDurable(
                (run, event) -> {
                  durableEvents.add(event.getClass().getSimpleName());
                  if (event instanceof RunEvent.TaskDispatched d) {
                    dispatched.add(d.taskId());
                  }
                });
            DurableEffects durable = new DurableEffects(context, journal, visible);
            RunCoordinator coordinator = new RunCoordinator(clock, durable);
            Dispatcher dispatcher = new Dispatcher(vertx, clock, runs, queue, workers, coordinator);
            dispatcher.syncWorkers(List.of(worker("a")));
            dispatcher.confirmed("a", false, Set.of());
            return durable.step(
                () -> {
                  Run run = coordinator.create("r", plan, Map.of(), Set.of());
                  coordinator.start(run);
                  return run;
                });
          });
      await().until(() -> durableEvents.size() == 3); // Created, Started, stage 0's start
      on(context, () -> null); // the pump that the offer of s0-t0 scheduled has run

      journal.release();

      await().until(() -> dispatched.size() == 2);
      assertThat(dispatched).containsExactlyInAnyOrder("s0-t0", "s1-t0");
    }
  }

  @Test
  void whatOnePassHandsANodeGoesInOneMessageAndEachAnswerCountsInItsPlace() throws Exception {
    Run run = aRun().withId("r").withSpawned(3).build();
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<AssignmentBatch>consumer(
            Addresses.workerTasks("a"),
            m -> {
              batches.add(m.body().assignments().stream().map(TaskAssignment::taskId).toList());
              JsonObject busy = Problems.problem(429, "Assignment refused", "all slots are busy");
              m.reply(
                  new AssignmentBatch.Answers(
                      List.of(
                          AssignmentBatch.Answer.taken(),
                          AssignmentBatch.Answer.refused(busy),
                          AssignmentBatch.Answer.taken())));
            });
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Dispatcher dispatcher = withWorkerA(context, run, 3, List.of("s1-t0", "s1-t1", "s1-t2"));

    await().until(() -> acceptedBy.size() == 2);
    assertThat(batches).containsExactly(List.of("s1-t0", "s1-t1", "s1-t2"));
    // the refused one waits in the queue, its slot free again (the node is paused for a moment)
    assertThat(on(context, () -> dispatcher.queued())).isEqualTo(1);
    assertThat(on(context, () -> dispatcher.pool().busySlots())).isEqualTo(2);
    assertThat(on(context, () -> dispatcher.holds(run.task("s1-t1")))).isTrue();
  }

  @Test
  void anAssignmentTheAnswersLeaveOutCountsAsUnansweredNotAsTaken() throws Exception {
    assertSecondIsUnanswered(new AssignmentBatch.Answers(List.of(AssignmentBatch.Answer.taken())));
  }

  @Test
  void answersThatCannotBeReadCountAsUnansweredAndStrandNoTask() throws Exception {
    Run run = unansweredWhenTheWorkerReplies(new JsonObject().put("accepted", true));
    assertThat(on(vertx.getOrCreateContext(), () -> run.task("s1-t0").currentAttempt().state()))
        .isEqualTo(AttemptState.LOST);
  }

  /** The worker answers two assignments with {@code reply}: the second counts as unanswered. */
  private void assertSecondIsUnanswered(Object reply) throws Exception {
    Run run = unansweredWhenTheWorkerReplies(reply);
    // the first is taken; the second may run there, so it is dispatched and ended as lost
    assertThat(on(vertx.getOrCreateContext(), () -> run.task("s1-t0").state()))
        .isEqualTo(TaskState.RUNNING);
  }

  private Run unansweredWhenTheWorkerReplies(Object reply) throws Exception {
    Run run = aRun().withId("r").withSpawned(2).build();
    vertx.eventBus().consumer(Addresses.workerTasks("a"), m -> m.reply(reply));
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Dispatcher dispatcher = withWorkerA(context, run, 2, List.of("s1-t0", "s1-t1"));
    await().until(() -> on(context, () -> run.task("s1-t1").attempts().size()) == 1);
    assertThat(on(context, () -> run.task("s1-t1").currentAttempt().state()))
        .isEqualTo(AttemptState.LOST);
    assertThat(on(context, () -> dispatcher.holds(run.task("s1-t1")))).isFalse();
    return run;
  }

  @Test
  void aNodeGivenMoreThan256AtOnceGetsThemInSeveralMessages() throws Exception {
    Run run = aRun().withId("r").withSpawned(300).build();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<AssignmentBatch>consumer(
            Addresses.workerTasks("a"),
            m -> {
              sizes.add(m.body().assignments().size());
              m.reply(
                  new AssignmentBatch.Answers(
                      m.body().assignments().stream()
                          .map(x -> AssignmentBatch.Answer.taken())
                          .toList()));
            });
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Dispatcher dispatcher =
        withWorkerA(context, run, 300, run.stage(1).tasks().stream().map(TaskRun::id).toList());

    await().until(() -> acceptedBy.size() == 300);
    assertThat(sizes).containsExactly(256, 44);
  }

  /**
   * A dispatcher for the run on {@code context}, with worker {@code a} of {@code slots} slots
   * confirmed and {@code tasks} offered to it.
   */
  private Dispatcher withWorkerA(
      io.vertx.core.Context context, Run run, int slots, List<String> tasks) throws Exception {
    Dispatcher dispatcher = on(context, () -> dispatcher(run));
    on(
        context,
        () -> {
          dispatcher.syncWorkers(List.of(worker("a", slots)));
          dispatcher.confirmed("a", false, Set.of());
          tasks.forEach(t -> dispatcher.ready(run.task(t)));
          return null;
        });
    return dispatcher;
  }

  /** Node {@code node}'s worker takes every assignment it is sent. */
  private void takesAll(String node) {
    vertx
        .eventBus()
        .<AssignmentBatch>consumer(
            Addresses.workerTasks(node),
            m ->
                m.reply(
                    new AssignmentBatch.Answers(
                        m.body().assignments().stream()
                            .map(a -> AssignmentBatch.Answer.taken())
                            .toList())));
  }

  /** A dispatcher for the run, whose coordinator notes the node of each attempt dispatched. */
  private Dispatcher dispatcher(Run run) {
    Runs runs = new Runs();
    runs.put(run);
    RunCoordinator.Effects effects =
        new RunCoordinator.Effects() {
          @Override
          public void recorded(Run r, RunEvent event, Changes changes) {
            if (event instanceof RunEvent.TaskDispatched d) {
              acceptedBy.add(d.node());
            }
          }

          @Override
          public void ready(TaskRun task) {}

          @Override
          public void stop(TaskRun task, String reason) {}
        };
    return new Dispatcher(
        vertx,
        clock,
        runs,
        new ReadyQueue(),
        new WorkerClient(vertx, "orchestrator-node", node -> true),
        new RunCoordinator(clock, effects));
  }

  private static NodeInfo worker(String id) {
    return worker(id, 2);
  }

  private static NodeInfo worker(String id, int slots) {
    return new NodeInfo(id, Set.of(Role.WORKER), slots, 8080, "127.0.0.1:5701");
  }

  private <T> T onContext(java.util.concurrent.Callable<T> action) throws Exception {
    return on(vertx.getOrCreateContext(), action);
  }

  private static <T> T on(io.vertx.core.Context context, java.util.concurrent.Callable<T> action)
      throws Exception {
    return OnContext.call(context, action);
  }

  private static Run runWithOneTask() {
    return aRun().withPlan(oneTaskJob("j", "t").plan("j")).withId("r").inFirstStage().build();
  }
}
