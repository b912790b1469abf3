package io.flowbus.model;

import java.time.Instant;
import java.util.LinkedHashMap;
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
  private final RunInputs inputs;
  private final Instant createdAt;
  private final Idempotency idempotency;
  private final Trigger trigger;
  private final RunStages stages;
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
    this.inputs = new RunInputs(created.inputs(), created.secretInputs());
    this.createdAt = created.at();
    this.idempotency = created.idempotency();
    this.trigger = created.trigger();
    this.stages = new RunStages(id, plan.job().stages());
    version = 1;
  }

  private Run(String id, String jobId, Instant createdAt, String reason) {
    this.id = id;
    this.jobId = jobId;
    this.plan = null;
    this.graph = null;
    this.inputs = RunInputs.NONE;
    this.createdAt = createdAt;
    this.idempotency = null;
    this.trigger = null;
    this.stages = new RunStages(id, List.of());
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
    if (!stages.apply(event, state.active(), changes)) {
      applyToRun(event, changes);
    }
    version++;
    return changes;
  }

  /** Carries out an event of the run as a whole. */
  private void applyToRun(RunEvent event, Changes changes) {
    if (event instanceof RunEvent.Started e) {
      requireState(RunState.CREATED);
      moveTo(RunState.RUNNING);
      startedAt = e.at();
      changes.run();
    } else if (event instanceof RunEvent.Cancelled e) {
      onCancelled(e, changes);
    } else if (event instanceof RunEvent.Paused) {
      moveTo(RunState.PAUSED);
      changes.run();
    } else if (event instanceof RunEvent.Resumed) {
      requireState(RunState.PAUSED);
      moveTo(RunState.RUNNING);
      changes.run();
    } else if (event instanceof RunEvent.Retried e) {
      onRetried(e, changes);
    } else if (event instanceof RunEvent.Ended e) {
      onEnded(e, changes);
    } else if (event instanceof RunEvent.NotificationAttempted e) {
      deliveries.attempted(e); // after the end: never changes the run's state
    } else {
      throw new IllegalStateException("run " + id + " cannot apply " + event);
    }
  }

  private void onEnded(RunEvent.Ended e, Changes changes) {
    if (!e.state().ended()) {
      throw new IllegalTransitionException("run", state, e.state());
    }
    moveTo(e.state());
    endedAt = e.at();
    error = e.error();
    changes.run();
    deliveries.ended(plan.job().notifications(), state, e.at());
  }

  private void onCancelled(RunEvent.Cancelled e, Changes changes) {
    moveTo(RunState.CANCELLED);
    endedAt = e.at();
    error = e.reason();
    changes.run();
    deliveries.ended(plan.job().notifications(), state, e.at());
    stages.cancel(e.reason(), e.at(), changes);
  }

  /**
   * Every stage and task that did not succeed goes back to wait its turn; the rest is kept. A run
   * cancelled before it ever started starts now.
   */
  private void onRetried(RunEvent.Retried e, Changes changes) {
    if (state != RunState.FAILED && state != RunState.CANCELLED) {
      throw new IllegalTransitionException("run", state, RunState.RUNNING);
    }
    moveTo(RunState.RUNNING);
    if (startedAt == null) {
      startedAt = e.at();
    }
    retried++;
    endedAt = null;
    error = null;
    changes.run();
    stages.retry(changes);
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

  private void moveTo(RunState next) {
    Transitions.checkRun(state, next);
    state = next;
  }

  public StageRun stage(int index) {
    return stages.stage(index);
  }

  public TaskRun task(String taskId) {
    return stages.task(taskId);
  }

  public Optional<TaskRun> findTask(String taskId) {
    return stages.findTask(taskId);
  }

  /** The first stage that has not ended, if any. */
  public Optional<StageRun> currentStage() {
    return stages.current();
  }

  /**
   * Whether any task of this run still runs somewhere (a cancelled run may still be stopping). A
   * DAMAGED run follows no task.
   */
  public boolean hasRunningTasks() {
    return state != RunState.DAMAGED && stages.anyRunning();
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
    return inputs.values();
  }

  public Set<String> secretInputs() {
    return inputs.secrets();
  }

  /**
   * The values of the secret inputs, to be shown as {@code ***} wherever they appear. An input kept
   * secret only because its value holds one is left out: the secret in it is masked all the same,
   * and its whole value would mask its every part of 8 characters or more (an {@code https://}).
   */
  public List<String> secretValues() {
    return inputs.secretValues(plan == null ? null : plan.job().inputs());
  }

  public Map<String, String> maskedInputs() {
    return plan == null ? new LinkedHashMap<>() : inputs.masked(plan.job().inputs().keySet());
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
    return stages.all();
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
