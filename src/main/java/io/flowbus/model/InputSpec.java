package io.flowbus.model;

/**
 * A declared input of a task class or a job.
 *
 * @param key the HTTP header ({@code http-header}) or environment variable ({@code environment})
 *     that holds the value; for environment inputs it defaults to the input name
 * @param defaultValue used when nothing else provides a value; null when there is none
 * @param required whether a value must be provided; false whenever a default exists
 */
public record InputSpec(
    String name,
    String description,
    InputSource source,
    String key,
    String defaultValue,
    boolean required) {

  /** Values taken from HTTP headers carry credentials: they are never shown. */
  public boolean secret() {
    return source == InputSource.HTTP_HEADER;
  }

  /** The environment variable an {@code environment} input reads. */
  public String environmentVariable() {
    return key != null ? key : name;
  }
}
