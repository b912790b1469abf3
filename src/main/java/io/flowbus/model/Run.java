package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One execution of a job. Changes only through {@link #apply(RunEvent)}. */
public final class Run {
  private final String id;
  private final String jobId;
  private final RunPlan plan;
  private final StageGraph graph;
  private final Map<String, String> inputs;
  private final Set<String> secretInputs;
  private final Instant createdAt;
  private final Idempotency idempotency;
  private final Trigger trigger;
  private final List<StageRun> stages = new ArrayList<>();
  private final Map<String, TaskRun> tasksById = new HashMap<>();
  private final Deliveries deliveries = new Deliveries();
  private RunState state = RunState.CREATED;
  private Instant startedAt;
  private Instant endedAt;
  private String error;
  private int retried;
  private long version;

  private Run(RunEvent.Created created) {
    this.id = created.runId();
    this.jobId = created.plan().job().id();
    this.plan = created.plan();
    this.graph = StageGraph.of(plan.job());
    this.inputs = Map.copyOf(created.inputs());
    this.secretInputs = Set.copyOf(created.secretInputs());
    this.createdAt = created.at();
    this.idempotency = created.idempotency();
    this.trigger = created.trigger();
    List<StageDef> defs = plan.job().stages();
    for (int i = 0; i < defs.size(); i++) {
      stages.add(new StageRun(id, i, defs.get(i)));
    }
    version = 1;
  }

  private Run(String id, String jobId, Instant createdAt, String reason) {
    this.id = id;
    this.jobId = jobId;
    this.plan = null;
    this.graph = null;
    this.inputs = Map.of();
    this.secretInputs = Set.of();
    this.createdAt = createdAt;
    this.idempotency = null;
    this.trigger = null;
    this.state = RunState.DAMAGED;
    this.error = reason;
    version = 1;
  }

  public static Run create(RunEvent.Created created) {
    return new Run(created);
  }

  /**
   * A run whose journal does not even tell how it was created: known by its id, its job if that
   * could be read (else null), no plan, no stages.
   */
  public static Run damaged(String id, String jobId, Instant createdAt, String reason) {
    return new Run(id, jobId, createdAt, reason);
  }

  /**
   * Marks the run DAMAGED: its journal cannot be replayed past what was applied so far. It keeps
   * what it was rebuilt to, for the record, but takes no event any more and follows no task.
   */
  public void damage(String reason) {
    moveTo(RunState.DAMAGED);
    error = reason;
    version++;
  }

  /**
   * Carries out one event and says what it changed; throws if the event is not allowed in the
   * current state.
   */
  public Changes apply(RunEvent event) {
    if (state == RunState.DAMAGED) {
      throw new IllegalStateException("run " + id + " is DAMAGED: it takes no event");
    }
    Changes changes = new Changes();
    if (event instanceof RunEvent.Started e) {
      requireState(RunState.CREATED);
      moveTo(RunState.RUNNING);
      startedAt = e.at();
      changes.run();
    } else if (event instanceof RunEvent.StageStarted e) {
      onStageStarted(e);
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.TaskDispatched e) {
      changes.task(task(e.taskId()));
      task(e.taskId()).dispatched(e.attempt(), e.node(), e.at());
    } else if (event instanceof RunEvent.TaskEnded e) {
      onTaskEnded(e);
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.TaskRejected e) {
      task(e.taskId()).endWithoutRunning(TaskState.FAILED, e.error(), e.at());
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.TaskLost e) {
      onTaskLost(e);
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.Spawned e) {
      onSpawned(e);
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageAborted e) {
      changes.tasks(stage(e.stage()).abort(e.reason(), e.at()));
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageEnded e) {
      stage(e.stage()).end(e.state(), e.error(), e.at());
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageSkipped e) {
      changes.tasks(stage(e.stage()).skip(e.reason(), e.at()));
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.Cancelled e) {
      onCancelled(e, changes);
    } else if (event instanceof RunEvent.Paused) {
      moveTo(RunState.PAUSED);
      changes.run();
    } else if (event instanceof RunEvent.Resumed) {
      requireState(RunState.PAUSED);
      moveTo(RunState.RUNNING);
      changes.run();
    } else if (event instanceof RunEvent.Retried) {
      onRetried(changes);
    } else if (event instanceof RunEvent.Ended e) {
      if (!e.state().ended()) {
        throw new IllegalTransitionException("run", state, e.state());
      }
      moveTo(e.state());
      endedAt = e.at();
      error = e.error();
      changes.run();
      deliveries.ended(plan.job().notifications(), state, e.at());
    } else if (event instanceof RunEvent.NotificationAttempted e) {
      deliveries.attempted(e); // after the end: never changes the run's state
    } else {
      throw new IllegalStateException("run " + id + " cannot apply " + event);
    }
    version++;
    return changes;
  }

  private void onStageStarted(RunEvent.StageStarted e) {
    StageRun stage = stage(e.stage());
    stage.start(e.at());
    stage.allTasks().forEach(this::index);
  }

  private void onTaskEnded(RunEvent.TaskEnded e) {
    TaskRun task = task(e.taskId());
    if (!task.isCurrent(e.attempt())) {
      throw new IllegalStateException(e.taskId() + " attempt " + e.attempt() + " is not running");
    }
    TaskState next = e.retryAt() != null ? TaskState.PENDING : terminalStateOf(e.outcome());
    task.ended(e.outcome(), e.exitCode(), e.error(), e.at());
    task.moveTo(next);
    if (e.retryAt() != null) {
      task.waitUntil(e.retryAt());
    }
  }

  private static TaskState terminalStateOf(AttemptState outcome) {
    return switch (outcome) {
      case SUCCEEDED -> TaskState.SUCCEEDED;
      case CANCELLED -> TaskState.CANCELLED;
      case FAILED, LOST -> TaskState.FAILED;
      case RUNNING -> throw new IllegalArgumentException("an attempt cannot end RUNNING");
    };
  }

  private void onTaskLost(RunEvent.TaskLost e) {
    TaskRun task = task(e.taskId());
    if (!task.isCurrent(e.attempt())) {
      throw new IllegalStateException(e.taskId() + " attempt " + e.attempt() + " is not running");
    }
    task.ended(AttemptState.LOST, null, e.reason(), e.at());
    boolean again = state.active() && !stage(task.stage()).aborting();
    task.moveTo(again ? TaskState.PENDING : TaskState.CANCELLED);
  }

  private void onSpawned(RunEvent.Spawned e) {
    StageRun stage = stage(e.stage());
    int before = stage.tasks().size();
    stage.spawned(e.entries());
    stage.tasks().subList(before, stage.tasks().size()).forEach(this::index);
  }

  private void onCancelled(RunEvent.Cancelled e, Changes changes) {
    moveTo(RunState.CANCELLED);
    endedAt = e.at();
    error = e.reason();
    changes.run();
    deliveries.ended(plan.job().notifications(), state, e.at());
    for (StageRun stage : stages) {
      changes.tasks(stage.cancelPending(e.at()));
      if (!stage.state().ended()) {
        stage.end(TaskState.CANCELLED, e.reason(), e.at());
        changes.stage(stage.index());
      }
    }
  }

  /** Every stage and task that did not succeed goes back to wait its turn; the rest is kept. */
  private void onRetried(Changes changes) {
    if (state != RunState.FAILED && state != RunState.CANCELLED) {
      throw new IllegalTransitionException("run", state, RunState.RUNNING);
    }
    moveTo(RunState.RUNNING);
    retried++;
    endedAt = null;
    error = null;
    changes.run();
    for (StageRun stage : stages) {
      if (stage.state() != TaskState.SUCCEEDED) {
        changes.tasks(stage.retry());
        changes.stage(stage.index());
      }
    }
  }

  /**
   * Only a run in {@code from} may make this move to RUNNING, whatever else the state table allows
   * (it allows FAILED to RUNNING, but only for a retry).
   */
  private void requireState(RunState from) {
    if (state != from) {
      throw new IllegalTransitionException("run", state, RunState.RUNNING);
    }
  }

  private void index(TaskRun task) {
    tasksById.put(task.id(), task);
  }

  private void moveTo(RunState next) {
    Transitions.checkRun(state, next);
    state = next;
  }

  public StageRun stage(int index) {
    if (index < 0 || index >= stages.size()) {
      throw new IllegalArgumentException("run " + id + " has no stage " + index);
    }
    return stages.get(index);
  }

  public TaskRun task(String taskId) {
    TaskRun task = tasksById.get(taskId);
    if (task == null) {
      throw new IllegalArgumentException("run " + id + " has no task " + taskId);
    }
    return task;
  }

  public Optional<TaskRun> findTask(String taskId) {
    return Optional.ofNullable(tasksById.get(taskId));
  }

  /** The first stage that has not ended, if any. */
  public Optional<StageRun> currentStage() {
    return stages.stream().filter(s -> !s.state().ended()).findFirst();
  }

  /**
   * Whether any task of this run still runs somewhere (a cancelled run may still be stopping). A
   * DAMAGED run follows no task.
   */
  public boolean hasRunningTasks() {
    return state != RunState.DAMAGED
        && stages.stream()
            .anyMatch(
                s ->
                    s.counts().get(TaskState.RUNNING) > 0
                        || (s.spawn() != null && s.spawn().state() == TaskState.RUNNING));
  }

  /**
   * Whether nothing more happens to this run: it has ended and no task of it still runs. Its event
   * streams end, and only now may it be deleted.
   */
  public boolean isSettled() {
    return state.ended() && !hasRunningTasks();
  }

  public String id() {
    return id;
  }

  /** The job's id; null only for a DAMAGED run whose journal does not say. */
  public String jobId() {
    return jobId;
  }

  /** What the run executes; null only for a DAMAGED run whose first journal line is unreadable. */
  public RunPlan plan() {
    return plan;
  }

  /** Which stages each stage waits for; null only for a DAMAGED run without a plan. */
  public StageGraph graph() {
    return graph;
  }

  /** The job inputs, secrets included: show them only through {@link #maskedInputs()}. */
  public Map<String, String> inputs() {
    return inputs;
  }

  public Set<String> secretInputs() {
    return secretInputs;
  }

  /** The values of the secret inputs, to be shown as {@code ***} wherever they appear. */
  public List<String> secretValues() {
    return secretInputs.stream().map(inputs::get).filter(java.util.Objects::nonNull).toList();
  }

  public Map<String, String> maskedInputs() {
    Map<String, String> masked = new java.util.LinkedHashMap<>();
    if (plan == null) {
      return masked;
    }
    for (String name : plan.job().inputs().keySet()) {
      if (inputs.containsKey(name)) {
        masked.put(name, secretInputs.contains(name) ? Secrets.MASK : inputs.get(name));
      }
    }
    return masked;
  }

  public RunState state() {
    return state;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The schedule that started the run; null if it was asked for over the API. */
  public Trigger trigger() {
    return trigger;
  }

  /** The idempotency key the run was created with; null if none (or its journal lost it). */
  public Idempotency idempotency() {
    return idempotency;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant endedAt() {
    return endedAt;
  }

  public String error() {
    return error;
  }

  public List<StageRun> stages() {
    return Collections.unmodifiableList(stages);
  }

  /** How many times the run was retried after it failed or was cancelled. */
  public int retried() {
    return retried;
  }

  /** The notifications of the run's ends, in the order they were due. */
  public List<Delivery> deliveries() {
    return deliveries.all();
  }

  /** Grows by one with every applied event: a cursor for change streams. */
  public long version() {
    return version;
  }
}
