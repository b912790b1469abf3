package io.flowbus.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kind of task: an external command with templated arguments.
 *
 * @param timeout null when the task may run for ever
 * @param retries how many times a non-zero exit is run again
 * @param retryBackoff the delay before the first retry; it doubles for each further one
 */
public record TaskClass(
    String id,
    String name,
    String description,
    Map<String, InputSpec> inputs,
    ArgTemplate execCommand,
    List<ArgTemplate> execArgs,
    Duration timeout,
    int retries,
    Duration retryBackoff) {

  public TaskClass {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    execArgs = List.copyOf(execArgs);
  }
}
