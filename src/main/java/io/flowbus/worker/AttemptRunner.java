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

/**
 * Runs an accepted attempt to its outcome: its workspace made and its command started on a worker
 * thread, the exit awaited, and a spawn task's entries checked and stored where the orchestrator
 * reads them. Whatever goes wrong ends as a failed outcome with the reason, never as a failure.
 */
final class AttemptRunner {
  /** How an attempt ended, with the number of entries a spawn task wrote (null for other tasks). */
  record Ended(CommandOutcome outcome, Integer spawnCount) {}

  private final Context context;
  private final WorkerExecutor starter;
  private final TaskLaunch launch;
  private final TaskHost host;
  private final DataLayout layout;
  private final SecretBox secretBox;
  private final long spawnLimit;

  /**
   * @param context where the outcomes are delivered (the worker's event loop)
   * @param starter the threads that start commands and store spawn entries
   */
  AttemptRunner(
      Context context,
      WorkerExecutor starter,
      TaskLaunch launch,
      TaskHost host,
      DataLayout layout,
      SecretBox secretBox,
      long spawnLimit) {
    this.context = context;
    this.starter = starter;
    this.launch = launch;
    this.host = host;
    this.layout = layout;
    this.secretBox = secretBox;
    this.spawnLimit = spawnLimit;
  }

  /** Starts the attempt's command; the future ends, on the context, when the attempt has. */
  Future<Ended> run(RunningTask r) {
    return starter
        .executeBlocking(() -> start(r.task()), false)
        .transform(
            started -> {
              if (started.failed()) {
                return Future.succeededFuture(
                    new CommandOutcome(AttemptState.FAILED, null, messageOf(started.cause())));
              }
              // only a failed start is the attempt's failure: a command that started is followed
              // to its own outcome
              r.started(started.result());
              return outcomeOf(started.result());
            })
        .compose(outcome -> spawned(r.task(), outcome));
  }

  private RunningCommand start(TaskAssignment task) throws Exception {
    CommandSpec spec = launch.spec(task);
    host.createWorkspace(spec.workDir());
    if (task.kind() == TaskKind.SPAWN) {
      // a spawn.json left by an earlier stage or attempt must not pass for this one's
      Files.deleteIfExists(spec.workDir().resolve(SpawnFile.NAME));
    }
    return host.runner().start(spec);
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
    return starter
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
