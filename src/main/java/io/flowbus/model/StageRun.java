package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One stage of a run with its spawn task and task instances. */
public final class StageRun {
  private final String runId;
  private final int index;
  private final StageDef def;
  private final TaskCounts counts = new TaskCounts();
  private final ArrayList<TaskRun> tasks = new ArrayList<>();
  private TaskState state = TaskState.PENDING;
  private TaskRun spawn;
  private boolean spawned;
  private String abortReason;
  private String error;
  private Instant startedAt;
  private Instant endedAt;

  StageRun(String runId, int index, StageDef def) {
    this.runId = runId;
    this.index = index;
    this.def = def;
  }

  void start(Instant at) {
    moveTo(TaskState.RUNNING);
    startedAt = at;
    if (def.spawns()) {
      spawn =
          new TaskRun(
              new TaskGroup(
                  runId, index, TaskKind.SPAWN, def.spawnTask(), new TaskCounts(), List.of()),
              -1);
    } else {
      if (tasks.isEmpty()) { // else its one instance, made when it was skipped, waits again
        addTasks(List.of(Map.of()));
      }
      spawned = true;
    }
  }

  void spawned(List<Map<String, String>> entries) {
    if (spawn == null || spawned || spawn.state() != TaskState.SUCCEEDED) {
      throw new IllegalStateException(
          "stage "
              + index
              + " cannot take spawn entries: "
              + (spawn == null
                  ? "it has no spawn task"
                  : spawned ? "it has them already" : "its spawn task is " + spawn.state()));
    }
    addTasks(entries);
    spawned = true;
  }

  /** One task per entry; the tasks find their entries in the list, kept once for the stage. */
  private void addTasks(List<Map<String, String>> entries) {
    TaskGroup group =
        new TaskGroup(
            runId,
            index,
            TaskKind.TASK,
            def.taskClass(),
            counts,
            entries instanceof SpawnEntries packed ? packed : SpawnEntries.of(entries));
    tasks.ensureCapacity(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      tasks.add(new TaskRun(group, i));
    }
  }

  /** Stops giving out the pending tasks of this stage; the running ones are being stopped. */
  List<TaskRun> abort(String reason, Instant at) {
    abortReason = reason;
    return cancelPending(at);
  }

  List<TaskRun> cancelPending(Instant at) {
    List<TaskRun> cancelled = new ArrayList<>();
    for (TaskRun task : allTasks()) {
      if (task.state() == TaskState.PENDING) {
        task.endWithoutRunning(TaskState.CANCELLED, task.error(), at);
        cancelled.add(task);
      }
    }
    return cancelled;
  }

  /**
   * The stage will not run: it and any task it has are SKIPPED. A stage of one instance has it made
   * now, to be shown SKIPPED (a fan-out's instances are not known before its spawn task ran).
   */
  List<TaskRun> skip(String reason, Instant at) {
    moveTo(TaskState.SKIPPED);
    if (!def.spawns() && tasks.isEmpty()) {
      addTasks(List.of(Map.of()));
    }
    this.error = reason;
    this.endedAt = at;
    List<TaskRun> skipped = new ArrayList<>();
    for (TaskRun task : allTasks()) {
      if (task.state() == TaskState.PENDING) {
        task.endWithoutRunning(TaskState.SKIPPED, reason, at);
        skipped.add(task);
      }
    }
    return skipped;
  }

  /**
   * After a failed or cancelled run: a stage that ran goes back to RUNNING with its tasks that did
   * not succeed pending again (a spawn task that did not succeed too: the stage's instances then
   * come from its new run); a stage that never started waits to start. Returns the tasks reset.
   */
  List<TaskRun> retry() {
    error = null;
    endedAt = null;
    abortReason = null;
    if (startedAt == null) {
      // never started: PENDING, or ended without starting (a SKIPPED stage goes this way too)
      if (state != TaskState.PENDING) {
        moveTo(TaskState.PENDING);
      }
      List<TaskRun> reset = new ArrayList<>();
      for (TaskRun task : allTasks()) {
        // the instance made when it was skipped waits again with it (skipped, or cancelled with
        // the run after an earlier retry)
        if (task.state().ended() && task.state() != TaskState.SUCCEEDED) {
          task.retry();
          reset.add(task);
        }
      }
      return reset;
    }
    moveTo(TaskState.RUNNING);
    List<TaskRun> reset = new ArrayList<>();
    for (TaskRun task : allTasks()) {
      if (task.state().ended() && task.state() != TaskState.SUCCEEDED) {
        task.retry();
        reset.add(task);
      }
    }
    return reset;
  }

  void end(TaskState outcome, String error, Instant at) {
    moveTo(outcome);
    this.error = error;
    this.endedAt = at;
  }

  void moveTo(TaskState next) {
    Transitions.checkStage(state, next);
    state = next;
  }

  /** Every task instance and, first, the spawn task if there is one. */
  public List<TaskRun> allTasks() {
    if (spawn == null) {
      return Collections.unmodifiableList(tasks);
    }
    List<TaskRun> all = new ArrayList<>(tasks.size() + 1);
    all.add(spawn);
    all.addAll(tasks);
    return all;
  }

  /** True when nothing of this stage is pending or running any more. */
  public boolean settled() {
    boolean spawnOpen = spawn != null && !spawn.state().ended();
    return !spawnOpen && counts.open() == 0;
  }

  public int index() {
    return index;
  }

  public StageDef def() {
    return def;
  }

  public TaskState state() {
    return state;
  }

  public TaskRun spawn() {
    return spawn;
  }

  public boolean spawned() {
    return spawned;
  }

  int taskCount() {
    return tasks.size();
  }

  TaskRun task(int taskIndex) {
    return tasks.get(taskIndex);
  }

  public List<TaskRun> tasks() {
    return Collections.unmodifiableList(tasks);
  }

  public TaskCounts counts() {
    return counts;
  }

  public boolean aborting() {
    return abortReason != null;
  }

  public String abortReason() {
    return abortReason;
  }

  public String error() {
    return error;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant endedAt() {
    return endedAt;
  }
}
