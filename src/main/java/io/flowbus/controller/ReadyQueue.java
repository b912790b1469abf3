package io.flowbus.controller;

import io.flowbus.model.TaskRun;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Tasks waiting for a slot, one queue per run (with a lane per stage, see {@link RunLanes}), served
 * in turn: a run of 100,000 tasks takes one slot, then the next run takes one, so a run of one task
 * is never stuck behind a big one. Tasks waiting out a retry backoff wait apart until their time
 * has come.
 */
final class ReadyQueue {
  private final Map<String, RunLanes> byRun = new HashMap<>();
  private final ArrayDeque<String> turns = new ArrayDeque<>();
  private final PriorityQueue<TaskRun> delayed =
      new PriorityQueue<>(Comparator.comparing(TaskRun::notBefore));
  private final QueuedTasks queued = new QueuedTasks();
  private int size;
  private Runnable offered = () -> {};

  /** Runs {@code listener} whenever a task is offered: whoever hands tasks out looks again. */
  void whenOffered(Runnable listener) {
    this.offered = listener;
  }

  /**
   * A task to start; one that ran before (its worker was lost) goes first in its run's queue, one
   * waiting out a retry backoff waits apart.
   */
  void offer(TaskRun task, Instant now) {
    if (!task.attempts().isEmpty() && task.notBefore() == null) {
      addFirst(task);
    } else {
      add(task, now);
    }
    offered.run();
  }

  static String key(TaskRun task) {
    return task.runId() + "/" + task.id();
  }

  void add(TaskRun task, Instant now) {
    if (!queued.add(task)) {
      return;
    }
    if (task.notBefore() != null && task.notBefore().isAfter(now)) {
      delayed.add(task);
    } else {
      queue(task, false);
    }
  }

  /** Puts back a task a worker did not take, ahead of the others of its run. */
  void addFirst(TaskRun task) {
    if (queued.add(task)) {
      queue(task, true);
    }
  }

  private void queue(TaskRun task, boolean first) {
    RunLanes tasks = byRun.get(task.runId());
    if (tasks == null) {
      tasks = new RunLanes();
      byRun.put(task.runId(), tasks);
      turns.addLast(task.runId());
    }
    tasks.add(task, first);
    size++;
  }

  /** Moves the tasks whose backoff has passed into their run's queue. */
  void release(Instant now) {
    while (!delayed.isEmpty() && !delayed.peek().notBefore().isAfter(now)) {
      queue(delayed.poll(), false);
    }
  }

  /** When the next delayed task becomes ready; null if none waits. */
  Instant nextRelease() {
    return delayed.isEmpty() ? null : delayed.peek().notBefore();
  }

  /**
   * The next task to start, taking runs in turn. Tasks that no longer wait (cancelled meanwhile)
   * are dropped; a run whose next task may not start now ({@code mayStart}) is skipped this turn.
   */
  TaskRun next(Predicate<TaskRun> stillWaiting, Predicate<TaskRun> mayStart) {
    for (int i = turns.size(); i > 0; i--) {
      String runId = turns.pollFirst();
      RunLanes tasks = byRun.get(runId);
      TaskRun task = tasks.next(stillWaiting, mayStart, this::drop);
      if (tasks.isEmpty()) {
        byRun.remove(runId);
      } else {
        turns.addLast(runId);
      }
      if (task != null) {
        drop(task);
        return task;
      }
    }
    return null;
  }

  private void drop(TaskRun task) {
    queued.remove(task);
    size--;
  }

  void removeRun(String runId) {
    RunLanes tasks = byRun.remove(runId);
    if (tasks != null) {
      tasks.forEach(this::drop);
      turns.remove(runId);
    }
    delayed.removeIf(t -> t.runId().equals(runId) && queued.remove(t));
  }

  /** Whether the task waits here, ready or waiting out a backoff. */
  boolean contains(TaskRun task) {
    return queued.contains(task);
  }

  /** Tasks ready to start now (not those waiting out a backoff). */
  int size() {
    return size;
  }

  int delayedSize() {
    return delayed.size();
  }
}
