package io.flowbus.model;

import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One task instance of a run: the stage's spawn task, or one instance of its task class. A fan-out
 * keeps one per spawn entry, so it holds only what is its own: what its stage's tasks share is in a
 * {@link TaskGroup}, its id and entry are found from its index, its times are kept as nanoseconds.
 */
public final class TaskRun {
  private final TaskGroup group;
  private final int index;
  private Attempt first;
  private List<Attempt> later; // the attempts after the first; null until there is a second
  private TaskState state = TaskState.PENDING;
  private String error;
  private Instant notBefore;
  private long endedAt = EpochNanos.NONE;
  private int attemptsBeforeRetry;

  TaskRun(TaskGroup group, int index) {
    this.group = group;
    this.index = index;
    group.counts().added(state);
  }

  void moveTo(TaskState next) {
    Transitions.checkTask(state, next);
    group.counts().moved(state, next);
    state = next;
    Attempt last = currentAttempt();
    endedAt = next.ended() && last != null ? last.endedAtNanos() : EpochNanos.NONE;
  }

  void dispatched(int attempt, String node, Instant at) {
    if (attempt != attemptCount() + 1) {
      throw new IllegalStateException(id() + ": attempt " + attempt + " after " + attemptCount());
    }
    moveTo(TaskState.RUNNING);
    Attempt next = new Attempt(attempt, node, at);
    if (first == null) {
      first = next;
    } else {
      if (later == null) {
        later = new ArrayList<>(2);
      }
      later.add(next);
    }
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
    this.endedAt = EpochNanos.of(at);
  }

  /** The run was retried: the task waits to run again, its attempts so far kept. */
  void retry() {
    moveTo(TaskState.PENDING);
    attemptsBeforeRetry = attemptCount();
    error = null;
    notBefore = null;
  }

  /**
   * The attempts since the run was last retried: the task's retries are counted over these, so a
   * retried run gives each task its class's retries again.
   */
  public List<Attempt> attemptsSinceRetry() {
    return attempts().subList(attemptsBeforeRetry, attemptCount());
  }

  public Attempt currentAttempt() {
    return later != null ? later.get(later.size() - 1) : first;
  }

  public boolean isCurrent(int attempt) {
    return state == TaskState.RUNNING && attemptCount() == attempt;
  }

  private int attemptCount() {
    return first == null ? 0 : later == null ? 1 : 1 + later.size();
  }

  public String runId() {
    return group.runId();
  }

  /** {@code s<stage>-t<index>}, or {@code s<stage>-spawn} for a spawn task (see {@link TaskId}). */
  public String id() {
    return (kind() == TaskKind.SPAWN ? TaskId.spawn(stage()) : TaskId.task(stage(), index))
        .toString();
  }

  public int stage() {
    return group.stage();
  }

  /** The position in the stage's spawn entries; 0 for a single task; -1 for a spawn task. */
  public int index() {
    return index;
  }

  public TaskKind kind() {
    return group.kind();
  }

  public String taskClass() {
    return group.taskClass();
  }

  /** The spawn entry of this instance; empty for a single task or a spawn task. */
  public Map<String, String> entry() {
    return group.entry(index);
  }

  public TaskState state() {
    return state;
  }

  /** The attempts so far, oldest first: a read-only view that follows new attempts. */
  public List<Attempt> attempts() {
    return new AbstractList<>() {
      @Override
      public Attempt get(int i) {
        if (i == 0 && first != null) {
          return first;
        }
        if (later == null || i < 1 || i > later.size()) {
          throw new IndexOutOfBoundsException("attempt index " + i + " of " + size());
        }
        return later.get(i - 1);
      }

      @Override
      public int size() {
        return attemptCount();
      }
    };
  }

  public String error() {
    return error;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant startedAt() {
    return first == null ? null : first.startedAt();
  }

  public Instant endedAt() {
    return EpochNanos.instant(endedAt);
  }
}
