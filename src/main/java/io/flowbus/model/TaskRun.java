package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One task instance of a run: the stage's spawn task, or one instance of its task class. */
public final class TaskRun {
  private final String runId;
  private final String id;
  private final int stage;
  private final int index;
  private final TaskKind kind;
  private final String taskClass;
  private final Map<String, String> entry;
  private final TaskCounts counts;
  private final List<Attempt> attempts = new ArrayList<>(1);
  private TaskState state = TaskState.PENDING;
  private String error;
  private Instant notBefore;
  private Instant endedAt;
  private int attemptsBeforeRetry;

  TaskRun(
      String runId,
      int stage,
      int index,
      TaskKind kind,
      String taskClass,
      Map<String, String> entry,
      TaskCounts counts) {
    this.runId = runId;
    this.id = (kind == TaskKind.SPAWN ? TaskId.spawn(stage) : TaskId.task(stage, index)).toString();
    this.stage = stage;
    this.index = index;
    this.kind = kind;
    this.taskClass = taskClass;
    this.entry = entry;
    this.counts = counts;
    counts.added(state);
  }

  void moveTo(TaskState next) {
    Transitions.checkTask(state, next);
    counts.moved(state, next);
    state = next;
    Attempt last = currentAttempt();
    endedAt = next.ended() && last != null ? last.endedAt() : null;
  }

  void dispatched(int attempt, String node, Instant at) {
    if (attempt != attempts.size() + 1) {
      throw new IllegalStateException(id + ": attempt " + attempt + " after " + attempts.size());
    }
    moveTo(TaskState.RUNNING);
    attempts.add(new Attempt(attempt, node, at));
    notBefore = null;
  }

  void ended(AttemptState outcome, Integer exitCode, String error, Instant at) {
    currentAttempt().end(outcome, exitCode, error, at);
    this.error = error;
  }

  void waitUntil(Instant retryAt) {
    this.notBefore = retryAt;
  }

  /** Ends a task that is not running: rejected (FAILED) or cancelled while it waited. */
  void endWithoutRunning(TaskState outcome, String error, Instant at) {
    moveTo(outcome);
    this.error = error;
    this.endedAt = at;
  }

  /** The run was retried: the task waits to run again, its attempts so far kept. */
  void retry() {
    moveTo(TaskState.PENDING);
    attemptsBeforeRetry = attempts.size();
    error = null;
    notBefore = null;
  }

  /**
   * The attempts since the run was last retried: the task's retries are counted over these, so a
   * retried run gives each task its class's retries again.
   */
  public List<Attempt> attemptsSinceRetry() {
    return Collections.unmodifiableList(attempts.subList(attemptsBeforeRetry, attempts.size()));
  }

  public Attempt currentAttempt() {
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  public boolean isCurrent(int attempt) {
    return state == TaskState.RUNNING && attempts.size() == attempt;
  }

  public String runId() {
    return runId;
  }

  public String id() {
    return id;
  }

  public int stage() {
    return stage;
  }

  /** The position in the stage's spawn entries; 0 for a single task; -1 for a spawn task. */
  public int index() {
    return index;
  }

  public TaskKind kind() {
    return kind;
  }

  public String taskClass() {
    return taskClass;
  }

  /** The spawn entry of this instance; empty for a single task or a spawn task. */
  public Map<String, String> entry() {
    return entry;
  }

  public TaskState state() {
    return state;
  }

  public List<Attempt> attempts() {
    return Collections.unmodifiableList(attempts);
  }

  public String error() {
    return error;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant startedAt() {
    return attempts.isEmpty() ? null : attempts.get(0).startedAt();
  }

  public Instant endedAt() {
    return endedAt;
  }
}
