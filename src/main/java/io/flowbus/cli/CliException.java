package io.flowbus.cli;

/**
 * A command that cannot go on: its message is shown as one line, and the process exits with the
 * code. A retryable one may pass if asked again (the server was unreachable, or answered 5xx).
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final boolean retryable;

  CliException(int exitCode, String message) {
    this(exitCode, message, false, null);
  }

  CliException(int exitCode, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.retryable = retryable;
  }

  int exitCode() {
    return exitCode;
  }

  boolean retryable() {
    return retryable;
  }
}
