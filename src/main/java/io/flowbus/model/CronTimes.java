package io.flowbus.model;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The due times of a five-field cron expression in a time zone. The cron library computes them on
 * the zone's local time, so that a daily time stays the same local time across DST changes: on the
 * night clocks go back it is due once, and a time that does not exist the night they go forward is
 * not due that day.
 */
public final class CronTimes {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** The usual {@code @} macros, as the five fields they stand for. */
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime times;

  private CronTimes(String expression, ZoneId zone, ExecutionTime times) {
    this.expression = expression;
    this.zone = zone;
    this.times = times;
  }

  /** Parses {@code expression}; an {@link IllegalArgumentException} says what is wrong. */
  public static CronTimes parse(String expression, ZoneId zone) {
    String text = expression.strip();
    String fields = text.startsWith("@") ? MACROS.get(text.toLowerCase(Locale.ROOT)) : text;
    if (fields == null) {
      throw new IllegalArgumentException(
          "unknown macro '" + text + "' (expected one of: " + String.join(", ", names()) + ")");
    }
    if (java.util.regex.Pattern.compile("/0+(\\s|,|$)").matcher(fields).find()) {
      throw new IllegalArgumentException(
          "invalid cron expression '"
              + text
              + "': a step of 0 never fires (e.g. */5 is every 5th)");
    }
    CronTimes times;
    try {
      Cron cron = PARSER.parse(fields);
      cron.validate();
      times = new CronTimes(text, zone, ExecutionTime.forCron(cron));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid cron expression '" + text + "': " + e.getMessage(), e);
    }
    if (times.next(Instant.parse("2000-01-01T00:00:00Z")).isEmpty()) {
      throw new IllegalArgumentException(
          "cron expression '" + text + "' is never due (no such day, e.g. 30 February)");
    }
    return times;
  }

  private static java.util.List<String> names() {
    return MACROS.keySet().stream().sorted().toList();
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first due time strictly after {@code after}; empty if there is none. */
  public Optional<Instant> next(Instant after) {
    return times.nextExecution(after.atZone(zone)).map(t -> t.toInstant());
  }

  /**
   * The latest due time after {@code after} and at or before {@code now}, counted forwards (the
   * library's backward search may give a time twice on the night clocks go back); empty if none.
   */
  public Optional<Instant> latest(Instant after, Instant now) {
    Optional<Instant> latest = Optional.empty();
    Optional<Instant> next = next(after);
    int steps = 0;
    while (next.isPresent() && !next.get().isAfter(now)) {
      latest = next;
      if (++steps == 100_000) { // years of a per-minute schedule: jump to the end
        return times.lastExecution(now.plusNanos(1).atZone(zone)).map(t -> t.toInstant());
      }
      next = next(next.get());
    }
    return latest;
  }

  /** How many due times lie after {@code after} and before {@code before} (at most {@code cap}). */
  public int countBetween(Instant after, Instant before, int cap) {
    int count = 0;
    Optional<Instant> next = next(after);
    while (count < cap && next.isPresent() && next.get().isBefore(before)) {
      count++;
      next = next(next.get());
    }
    return count;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronTimes c && c.expression.equals(expression) && c.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return expression.hashCode() * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }
}
