package io.flowbus.model;

import java.time.Instant;

/**
 * An instant as one long of nanoseconds since the epoch, for what the model keeps per task: 8 bytes
 * in place of a 24-byte {@link Instant}. It covers the years 1678 to 2262 exactly, to the
 * nanosecond; an instant outside them is refused rather than rounded.
 */
final class EpochNanos {
  /** Stands for no instant (null). */
  static final long NONE = Long.MIN_VALUE;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private EpochNanos() {}

  static long of(Instant instant) {
    if (instant == null) {
      return NONE;
    }
    long nanos =
        Math.addExact(
            Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    if (nanos == NONE) {
      throw new ArithmeticException("instant out of range: " + instant);
    }
    return nanos;
  }

  static Instant instant(long nanos) {
    return nanos == NONE
        ? null
        : Instant.ofEpochSecond(
            Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }
}
