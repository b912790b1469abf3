package io.flowbus.model;

import java.time.Instant;

/** One try at running a task on one node. */
public final class Attempt {
  private final int number;
  private final String node;
  private final Instant startedAt;
  private AttemptState state = AttemptState.RUNNING;
  private Integer exitCode;
  private String error;
  private Instant endedAt;

  public Attempt(int number, String node, Instant startedAt) {
    this.number = number;
    this.node = node;
    this.startedAt = startedAt;
  }

  void end(AttemptState outcome, Integer exitCode, String error, Instant at) {
    this.state = outcome;
    this.exitCode = exitCode;
    this.error = error;
    this.endedAt = at;
  }

  public int number() {
    return number;
  }

  public String node() {
    return node;
  }

  public Instant startedAt() {
    return startedAt;
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
    return endedAt;
  }
}
