package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.config.Role;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.Changes;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.TaskRun;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher against a real (local) event bus, with workers that answer or do not. */
class DispatcherTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> acceptedBy = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTaskOnItsWayToANodeThatLeavesGoesToAnotherNode() throws Exception {
    Run run = runWithOneTask();
    vertx.eventBus().<JsonObject>consumer(Addresses.workerTasks("a"), m -> {}); // never answers
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.workerTasks("b"), m -> m.reply(new JsonObject().put("accepted", true)));
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
    Clock clock = Clock.systemUTC();
    return new Dispatcher(
        vertx,
        clock,
        runs,
        new ReadyQueue(),
        new WorkerClient(vertx),
        new RunCoordinator(clock, effects));
  }

  private static NodeInfo worker(String id) {
    return new NodeInfo(id, Set.of(Role.WORKER), 2, 8080, "127.0.0.1:5701");
  }

  private <T> T onContext(java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          try {
            result.complete(action.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static Run runWithOneTask() throws Exception {
    Definitions d =
        DefinitionsLoader.parse(
            "tasks: {t: {exec_command: t}}\njobs: {j: {stages: [{name: s, task_class: t}]}}\n",
            "t.yaml");
    Instant now = Instant.now();
    Run run =
        Run.create(
            new RunEvent.Created(
                now, "r", RunPlan.of(d, d.jobs().get("j"), "v"), Map.of(), Set.of()));
    run.apply(new RunEvent.Started(now));
    run.apply(new RunEvent.StageStarted(now, 0));
    return run;
  }
}
