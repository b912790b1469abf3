package io.flowbus.model;

/** A state change that the state machine does not allow. */
public final class IllegalTransitionException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public IllegalTransitionException(String what, Enum<?> from, Enum<?> to) {
    super(what + " cannot go from " + from + " to " + to);
  }
}
