package io.flowbus.controller;

import java.util.concurrent.CompletionException;

/** Why a step of {@link DurableEffects} was not carried out: a write of it failed. */
final class NotWritten extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NotWritten(Throwable cause) {
    super("the journal cannot be written: " + reason(cause), cause);
  }

  private static String reason(Throwable cause) {
    Throwable c =
        cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
