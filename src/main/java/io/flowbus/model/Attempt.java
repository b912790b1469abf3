package io.flowbus.model;

import java.time.Instant;

/**
 * One try at running a task on one node. Its times are kept as epoch nanoseconds, not as {@link
 * Instant} objects: a large fan-out keeps one attempt per task, and two instants would double its
 * size. They read back exactly as given.
 */
public final class Attempt {
  private final int number;
  private final String node;
  private final long startedAt;
  private AttemptState state = AttemptState.RUNNING;
  private Integer exitCode;
  private String error;
  private long endedAt = EpochNanos.NONE;

  public Attempt(int number, String node, Instant startedAt) {
    this.number = number;
    this.node = node;
    this.startedAt = EpochNanos.of(startedAt);
  }

  void end(AttemptState outcome, Integer exitCode, String error, Instant at) {
    this.state = outcome;
    this.exitCode = exitCode;
    this.error = error;
    this.endedAt = EpochNanos.of(at);
  }

  public int number() {
    return number;
  }

  public String node() {
    return node;
  }

  public Instant startedAt() {
    return EpochNanos.instant(startedAt);
  }

  public AttemptState state() {
    return state;
  }

  public Integer exitCode() {
    return exitCode;
  }

  public String error() {
    return error;
  }

  public Instant endedAt() {
    return EpochNanos.instant(endedAt);
  }

  /** When the attempt ended as epoch nanoseconds; {@link EpochNanos#NONE} while it runs. */
  long endedAtNanos() {
    return endedAt;
  }
}
