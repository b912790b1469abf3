package io.flowbus.model;

/**
 * How many failed instances a stage tolerates: a count, or a percentage of its instances (rounded
 * down, known once the stage has spawned them).
 *
 * @param count the failures tolerated; ignored when {@code percent} is set
 * @param percent 0 to 100, or -1 for a plain count
 */
public record FailureTolerance(int count, int percent) {
  /** {@code job_failed_on_error: true}: the first failure fails the stage. */
  public static final FailureTolerance NONE = new FailureTolerance(0, -1);

  /** {@code job_failed_on_error: false}: failures are counted and the run goes on. */
  public static final FailureTolerance ALL = new FailureTolerance(0, 100);

  public FailureTolerance {
    if (count < 0 || percent < -1 || percent > 100) {
      throw new IllegalArgumentException("no such tolerance: " + count + ", " + percent + "%");
    }
  }

  public static FailureTolerance count(int count) {
    return new FailureTolerance(count, -1);
  }

  public static FailureTolerance percent(int percent) {
    return new FailureTolerance(0, percent);
  }

  /** How many of {@code instances} may fail without failing the stage. */
  public int allowed(int instances) {
    return percent < 0 ? count : (int) ((long) instances * percent / 100);
  }

  /** Whether no failure is tolerated at all, as with {@code job_failed_on_error: true}. */
  public boolean none() {
    return percent < 0 ? count == 0 : percent == 0;
  }

  /** Whether every failure is tolerated, as with {@code job_failed_on_error: false}. */
  public boolean all() {
    return percent == 100;
  }

  /** As the definitions file spells it: {@code 3} or {@code "5%"}. */
  @Override
  public String toString() {
    return percent < 0 ? Integer.toString(count) : percent + "%";
  }
}
