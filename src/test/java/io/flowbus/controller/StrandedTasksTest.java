package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.OnContext;
import io.flowbus.testing.RunEvents;
import io.flowbus.testing.SettableClock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The safety net: a pending task nobody holds is offered again; one somebody holds is left. */
class StrandedTasksTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final SettableClock clock = new SettableClock();
  private final Runs runs = new Runs();
  private final Set<String> writing = new java.util.HashSet<>();
  private Dispatcher dispatcher;
  private StrandedTasks stranded;

  @Test
  void aPendingSpawnTaskNeitherQueuedNorOnItsWayIsOfferedAgainOnce() throws Exception {
    Run run = aRun().inSpawnStage().build(); // s1-spawn pending, as the task lost before the fix
    setUp(run);

    assertThat(onContext(stranded::check)).isEqualTo(1);
    assertThat(onContext(() -> dispatcher.holds(run.task("s1-spawn")))).isTrue();
    assertThat(onContext(dispatcher::queued)).isEqualTo(1);
    assertThat(onContext(stranded::check)).as("queued now: not stranded").isZero();
  }

  @Test
  void aQueuedTaskARunWaitingForItsJournalAndAPausedRunAreLeftAlone() throws Exception {
    Run queued = aRun().withId("20261201-000000-000-aaaa").inFirstStage().build();
    Run writing = aRun().withId("20261201-000000-000-bbbb").inFirstStage().build();
    Run paused = aRun().withId("20261201-000000-000-cccc").inFirstStage().build();
    paused.apply(new RunEvent.Paused(clock.instant()));
    setUp(queued, writing, paused);
    this.writing.add(writing.id());

    onContext(
        () -> {
          dispatcher.ready(queued.task("s0-t0"));
          return null;
        });

    assertThat(onContext(stranded::check)).isZero();
    assertThat(onContext(dispatcher::queued)).isEqualTo(1);
  }

  @Test
  void aRetryWaitingOutItsBackoffIsNotStranded() throws Exception {
    Run run =
        aRun()
            .inFirstStage()
            .then(
                RunEvents.dispatched("s0-t0", 1),
                RunEvents.failedRetryAt("s0-t0", 1, clock.instant().plusSeconds(60)))
            .build();
    setUp(run);
    onContext(
        () -> {
          dispatcher.ready(run.task("s0-t0"));
          return null;
        });

    assertThat(onContext(stranded::check)).isZero();
  }

  private void setUp(Run... held) throws Exception {
    for (Run run : held) {
      runs.put(run);
    }
    onContext(
        () -> {
          dispatcher =
              new Dispatcher(
                  vertx,
                  clock,
                  runs,
                  new ReadyQueue(),
                  new WorkerClient(vertx, "orchestrator-node", node -> true),
                  new RunCoordinator(clock, new NoEffects()));
          stranded = new StrandedTasks(runs, dispatcher, id -> !writing.contains(id));
          return null;
        });
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }

  /** No worker takes part here: nothing is dispatched, so the coordinator records nothing. */
  private static final class NoEffects implements RunCoordinator.Effects {
    @Override
    public void recorded(Run run, RunEvent event, Changes changes) {}

    @Override
    public void ready(TaskRun task) {}

    @Override
    public void stop(TaskRun task, String reason) {}
  }
}
