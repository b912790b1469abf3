package io.flowbus.model;

import java.time.Instant;

/**
 * What happened to a schedule, in the schedule journal: the orchestrator that takes over reads it
 * to know which due times were handled, which run each started, and which schedules are paused.
 */
public sealed interface ScheduleEvent {
  Instant at();

  String schedule();

  /**
   * The schedule was first seen, or seen again with another definition ({@code fingerprint}, see
   * {@link ScheduleDef#fingerprint}) or after it was removed: due times after {@code at} are its to
   * fire.
   */
  record Armed(Instant at, String schedule, String fingerprint) implements ScheduleEvent {}

  /** The schedule is no longer in the definitions in force: if it comes back, it is armed anew. */
  record Removed(Instant at, String schedule) implements ScheduleEvent {}

  /**
   * A due time fires: written before its run is created, which is created with the key {@link
   * ScheduleDef#idempotencyKey} so that an orchestrator that takes over creates it at most once.
   */
  record Fired(Instant at, String schedule, Instant dueAt, String job) implements ScheduleEvent {}

  /** The run of a due time (or, with {@code dueAt} null, of a trigger by hand) was created. */
  record RunStarted(Instant at, String schedule, Instant dueAt, String runId)
      implements ScheduleEvent {}

  /** A due time that starts no run, and why. */
  record Skipped(Instant at, String schedule, Instant dueAt, String reason)
      implements ScheduleEvent {}

  record Paused(Instant at, String schedule) implements ScheduleEvent {}

  /** Due times after {@code at} fire again; those while it was paused do not. */
  record Resumed(Instant at, String schedule) implements ScheduleEvent {}

  /** Where the schedule stood, as a compacted journal keeps it in place of the events before. */
  record Snapshot(Instant at, String schedule, ScheduleState state) implements ScheduleEvent {}
}
