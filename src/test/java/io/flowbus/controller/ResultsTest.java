package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.TaskResult;
import io.flowbus.config.Role;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Results taken in by the orchestrator's parts as {@link Engine} wires them, on a real journal and
 * a local event bus, with a worker played by the test.
 */
class ResultsTest {
  private static final String YAML =
      "tasks: {t: {exec_command: t}}\njobs: {j: {stages: [{name: a, task_class: t}]}}\n";
  private static final String VERSION = "0".repeat(63) + "1";
  private static final String RUN = "20261126-100000-000-abc1";
  private static final String RESULTS = "test.results";
  private static final String MARKER = "test.marker";

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final JournalWriter writer = new JournalWriter(false);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private volatile boolean storeThrows;
  private DataLayout layout;
  private Runs runs;
  private DurableEffects durable;
  private RunCoordinator coordinator;
  private Dispatcher dispatcher;
  private RunPlan plan;

  @BeforeEach
  void setUp() throws Exception {
    layout = new DataLayout(data);
    RunStore store = new RunStore(layout, writer);
    store.archiveDefinitions(VERSION, YAML);
    Definitions d = DefinitionsLoader.parse(YAML, "t.yaml");
    plan = RunPlan.of(d, d.jobs().get("j"), VERSION);
    onContext(() -> wire(store));
    logged.start();
    ((Logger) LoggerFactory.getLogger(Results.class)).addAppender(logged);
  }

  private Void wire(RunStore store) {
    Clock clock = Clock.systemUTC();
    runs = new Runs();
    ReadyQueue queue = new ReadyQueue();
    WorkerClient workers = new WorkerClient(vertx, "orchestrator-node", node -> true);
    OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
    RunEffects visible = new RunEffects(vertx, clock, runs, queue, workers, metrics);
    EventStore events = EventStore.of(store);
    EventStore faulty =
        new EventStore() {
          @Override
          public CompletableFuture<Void> record(Run run, RunEvent event) {
            if (storeThrows && event instanceof RunEvent.TaskEnded) {
              throw new IllegalStateException("a bug while writing");
            }
            return events.record(run, event);
          }

          @Override
          public CompletableFuture<Run> rollBack(String runId, int lines) {
            return events.rollBack(runId, lines);
          }

          @Override
          public CompletableFuture<Void> delete(String runId) {
            return events.delete(runId);
          }
        };
    durable = new DurableEffects(context, faulty, visible);
    coordinator = new RunCoordinator(clock, durable);
    dispatcher = new Dispatcher(vertx, clock, runs, queue, workers, coordinator);
    Results results = new Results(vertx, runs, store, durable, coordinator, dispatcher);
    results.open();
    vertx.eventBus().<ResultBatch>consumer(RESULTS, results::handle);
    vertx.eventBus().consumer(MARKER, m -> m.reply(null));
    return null;
  }

  @AfterEach
  void close() throws Exception {
    ((Logger) LoggerFactory.getLogger(Results.class)).detachAppender(logged);
    writer.close();
  }

  @Test
  void aResultWhoseHandlingThrowsIsAnsweredAsAPermanentFailureAndLoggedOnce() throws Exception {
    createStartAndDispatchTo("w");
    storeThrows = true;

    Future<Message<ResultBatch.Answers>> answer = onContext(() -> sendResult());

    await().until(answer::isComplete);
    assertThat(answer.succeeded()).as("answered: %s", answer.cause()).isTrue();
    ResultBatch.Answer refused = answer.result().body().answers().get(0);
    // 500, not 503: the worker drops it instead of sending it forever
    assertThat(refused.status()).isEqualTo(500);
    assertThat(refused.problem().getString("detail"))
        .contains("reference")
        .doesNotContain("a bug while");
    List<ILoggingEvent> errors =
        logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("a bug while writing");
  }

  @Test
  void aBatchThatCannotBeReadIsRefusedAsAPermanentFailureAndLoggedOnce() throws Exception {
    Future<Message<ResultBatch.Answers>> answer =
        onContext(() -> vertx.eventBus().request(RESULTS, null));

    await().until(answer::isComplete);
    assertThat(answer.cause())
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
              assertThat(e.failureCode()).isEqualTo(500);
              assertThat(e.getMessage()).contains("reference");
            });
    assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.ERROR)).hasSize(1);
  }

  @Test
  void eachResultOfABatchIsAnsweredInItsPlace() throws Exception {
    createStartAndDispatchTo("w");
    TaskResult givenUp =
        new TaskResult(RUN, "s0-t0", 7, "w", AttemptState.SUCCEEDED, 0, null, null);
    TaskResult current = new TaskResult(RUN, "s0-t0", 1, "w", AttemptState.FAILED, 3, "exit", null);

    Future<Message<ResultBatch.Answers>> answer =
        onContext(
            () -> vertx.eventBus().request(RESULTS, new ResultBatch(List.of(givenUp, current))));

    await().until(answer::isComplete);
    assertThat(answer.succeeded()).as("answered: %s", answer.cause()).isTrue();
    assertThat(answer.result().body().answers())
        .containsExactly(ResultBatch.Answer.taken(false), ResultBatch.Answer.taken(true));
    assertThat(onContext(() -> runs.get(RUN).task("s0-t0").state())).isEqualTo(TaskState.FAILED);
  }

  /**
   * The worker answers its assignment and sends the result on two different messages. Over one
   * connection the event bus keeps them in order, but the result does not rely on it: sent first,
   * it is applied once, and the answer that comes after changes nothing.
   */
  @Test
  void aResultThatOvertakesItsAssignmentsAnswerIsStillAppliedOnce() throws Exception {
    AtomicReference<Message<AssignmentBatch>> assignment = new AtomicReference<>();
    vertx.eventBus().<AssignmentBatch>consumer(Addresses.workerTasks("w"), assignment::set);
    onContext(
        () -> {
          dispatcher.syncWorkers(
              List.of(new NodeInfo("w", Set.of(Role.WORKER), 2, 8080, "127.0.0.1:5701")));
          dispatcher.confirmed("w", false, Set.of());
          return null;
        });
    createAndStart();
    await().until(() -> assignment.get() != null);

    Future<Message<ResultBatch.Answers>> applied = onContext(() -> sendResult());
    await().until(applied::isComplete);
    assertThat(applied.succeeded()).as("applied: %s", applied.cause()).isTrue();
    assertThat(applied.result().body().answers()).containsExactly(ResultBatch.Answer.taken(true));

    // the answer, late; then a message behind it on the same way: once it is in, so is the answer
    Future<Message<Object>> behind =
        onContext(
            () -> {
              assignment
                  .get()
                  .reply(new AssignmentBatch.Answers(List.of(AssignmentBatch.Answer.taken())));
              return vertx.eventBus().request(MARKER, null);
            });
    await().until(behind::succeeded);

    TaskRun task = onContext(() -> runs.get(RUN).task("s0-t0"));
    assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(task.attempts()).hasSize(1);
    assertThat(onContext(() -> runs.get(RUN).state())).isEqualTo(RunState.SUCCEEDED);
    await().until(() -> onContext(() -> durable.settled(RUN).isComplete()));
    assertThat(journalCount("task_dispatched")).isEqualTo(1);
    assertThat(journalCount("task_ended")).isEqualTo(1);
  }

  /** The run created and started, its task's first attempt dispatched to {@code node}. */
  private void createStartAndDispatchTo(String node) throws Exception {
    createAndStart();
    succeeds(
        () ->
            durable.step(
                () -> {
                  Run run = runs.get(RUN);
                  coordinator.dispatched(run, run.task("s0-t0"), 1, node);
                  return null;
                }));
  }

  private void createAndStart() throws Exception {
    succeeds(
        () ->
            durable.step(
                () -> {
                  Run run = coordinator.create(RUN, plan, Map.of(), Set.of());
                  coordinator.start(run);
                  return run;
                }));
  }

  private Future<Message<ResultBatch.Answers>> sendResult() {
    TaskResult result = new TaskResult(RUN, "s0-t0", 1, "w", AttemptState.SUCCEEDED, 0, null, null);
    return vertx.eventBus().request(RESULTS, new ResultBatch(List.of(result)));
  }

  private long journalCount(String type) throws Exception {
    return Files.readAllLines(layout.journal(RUN)).stream()
        .filter(l -> l.contains("\"" + type + "\""))
        .count();
  }

  private <T> void succeeds(Callable<Future<T>> step) throws Exception {
    Future<T> future = onContext(step);
    await().until(future::isComplete);
    assertThat(future.succeeded()).as("the step succeeded: %s", future.cause()).isTrue();
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }
}
