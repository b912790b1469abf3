package io.flowbus.worker;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.AttemptState;
import io.flowbus.model.TaskKind;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.SecretBox;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an accepted attempt to its outcome: its workspace made, its command started and its exit
 * awaited on one thread of the task pool, and a spawn task's entries checked and stored where the
 * orchestrator reads them. Whatever goes wrong ends as a failed outcome with the reason, never as a
 * failure.
 */
final class AttemptRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptRunner.class);

  /** How an attempt ended, with the number of entries a spawn task wrote (null for other tasks). */
  record Ended(CommandOutcome outcome, Integer spawnCount) {}

  private final Context context;
  private final ExecutorService tasks;
  private final WorkerExecutor spawnStore;
  private final TaskLaunch launch;
  private final TaskHost host;
  private final DataLayout layout;
  private final SecretBox secretBox;
  private final long spawnLimit;

  /**
   * @param context where the outcomes are delivered (the worker's event loop)
   * @param tasks the threads that start commands and follow them (the pool of {@code host}'s
   *     runner, which also copies their output)
   * @param spawnStore the threads that store spawn entries
   */
  AttemptRunner(
      Context context,
      ExecutorService tasks,
      WorkerExecutor spawnStore,
      TaskLaunch launch,
      TaskHost host,
      DataLayout layout,
      SecretBox secretBox,
      long spawnLimit) {
    this.context = context;
    this.tasks = tasks;
    this.spawnStore = spawnStore;
    this.launch = launch;
    this.host = host;
    this.layout = layout;
    this.secretBox = secretBox;
    this.spawnLimit = spawnLimit;
  }

  /** Starts the attempt's command; the future ends, on the context, when the attempt has. */
  Future<Ended> run(RunningTask r) {
    Promise<RunningCommand> starting = Promise.promise();
    try {
      tasks.execute(() -> startAndFollow(r.task(), starting));
    } catch (RejectedExecutionException e) {
      starting.fail(new WorkerStoppingException(e));
    }
    return starting
        .future()
        .transform(
            started -> {
              if (started.failed()) {
                // a worker that stops hands its attempts back: they run elsewhere
                AttemptState state =
                    started.cause() instanceof WorkerStoppingException
                        ? AttemptState.LOST
                        : AttemptState.FAILED;
                return Future.succeededFuture(
                    new CommandOutcome(state, null, messageOf(started.cause())));
              }
              // only a failed start is the attempt's failure: a command that started is followed
              // to its own outcome
              r.started(started.result());
              return outcomeOf(started.result());
            })
        .compose(outcome -> spawned(r.task(), outcome));
  }

  /**
   * On a thread of the task pool: starts the command, tells {@code started} on the context, and
   * stays with the command until its exit is known.
   */
  private void startAndFollow(TaskAssignment task, Promise<RunningCommand> started) {
    AtomicBoolean told = new AtomicBoolean();
    try {
      CommandSpec spec = launch.spec(task);
      host.createWorkspace(spec.workDir());
      if (task.kind() == TaskKind.SPAWN) {
        // a spawn.json left by an earlier stage or attempt must not pass for this one's
        Files.deleteIfExists(spec.workDir().resolve(SpawnFile.NAME));
      }
      host.runner()
          .run(
              spec,
              command -> {
                told.set(true);
                context.runOnContext(v -> started.complete(command));
              });
    } catch (Throwable e) {
      if (told.get()) {
        // the command started, and what follows it broke (no thread for its pipes, say)
        LOG.error("attempt {} cannot be followed to its end", task.key(), e);
      } else {
        context.runOnContext(v -> started.fail(e));
      }
    }
  }

  private Future<CommandOutcome> outcomeOf(RunningCommand command) {
    Promise<CommandOutcome> ended = Promise.promise();
    command
        .outcome()
        .whenComplete((outcome, e) -> context.runOnContext(v -> ended.complete(outcome)));
    return ended.future();
  }

  /** A spawn task that succeeded has its entries stored; one whose entries are bad fails. */
  private Future<Ended> spawned(TaskAssignment task, CommandOutcome outcome) {
    if (task.kind() != TaskKind.SPAWN || outcome.state() != AttemptState.SUCCEEDED) {
      return Future.succeededFuture(new Ended(outcome, null));
    }
    return spawnStore
        .executeBlocking(() -> storeSpawnEntries(task), false)
        .map(count -> new Ended(outcome, count))
        .recover(
            e ->
                Future.succeededFuture(
                    new Ended(
                        new CommandOutcome(AttemptState.FAILED, outcome.exitCode(), messageOf(e)),
                        null)));
  }

  private int storeSpawnEntries(TaskAssignment task) throws Exception {
    var entries = SpawnFile.read(layout.workspace(task.runId()), spawnLimit);
    SpawnFile.store(
        entries,
        layout.spawnEntries(task.runId(), task.stage()),
        secretBox,
        !task.secrets().isEmpty());
    return entries.size();
  }

  private static String messageOf(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
