package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A safety net, run now and then on the orchestrator: a pending task of a running stage of a
 * running run is always queued, waiting out a backoff or on its way to a worker. One that is none
 * of these would wait forever; it is offered again, with a warning, since it means a bug.
 */
final class StrandedTasks {
  private static final Logger LOG = LoggerFactory.getLogger(StrandedTasks.class);

  private final Runs runs;
  private final Dispatcher dispatcher;
  private final Predicate<String> settled;

  /**
   * @param settled whether nothing of the run ({@code runId}) waits for the journal: a task made
   *     ready is offered only once its event is written, so until then it is not stranded
   */
  StrandedTasks(Runs runs, Dispatcher dispatcher, Predicate<String> settled) {
    this.runs = runs;
    this.dispatcher = dispatcher;
    this.settled = settled;
  }

  /** Offers again every stranded task; returns how many there were. */
  int check() {
    int found = 0;
    for (Run run : runs.all()) {
      if (run.state() != RunState.RUNNING || !settled.test(run.id())) {
        continue;
      }
      for (StageRun stage : run.stages()) {
        if (stage.state() == TaskState.RUNNING) {
          found += offerStranded(run, stage);
        }
      }
    }
    return found;
  }

  private int offerStranded(Run run, StageRun stage) {
    int found = 0;
    for (TaskRun task : stage.allTasks()) {
      if (task.state() == TaskState.PENDING && !dispatcher.holds(task)) {
        LOG.warn(
            "run {} task {} was pending but neither queued nor on its way: offered again",
            run.id(),
            task.id());
        dispatcher.ready(task);
        found++;
      }
    }
    return found;
  }
}
