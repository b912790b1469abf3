package io.flowbus.controller;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * Run ids that sort as their runs were created: {@code 20261126-122038-123-x7k2}, the creation time
 * to the millisecond (never going back, even within one millisecond) and a random suffix.
 */
final class RunIds {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

  private final Clock clock;
  private final Random random = new SecureRandom();
  private long last;

  RunIds(Clock clock) {
    this.clock = clock;
  }

  /** Continues after {@code id}, an id made before (by an orchestrator that came before). */
  void after(String id) {
    try {
      long millis = FORMAT.parse(id.substring(0, 19), Instant::from).toEpochMilli();
      last = Math.max(last, millis);
    } catch (RuntimeException e) {
      // not one of ours: nothing to continue after
    }
  }

  String next() {
    long now = Math.max(clock.millis(), last + 1);
    last = now;
    StringBuilder id = new StringBuilder(FORMAT.format(Instant.ofEpochMilli(now))).append('-');
    for (int i = 0; i < 4; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
