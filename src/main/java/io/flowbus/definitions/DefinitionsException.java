package io.flowbus.definitions;

import java.util.List;
import java.util.stream.Collectors;

/** A definitions file that does not load, with every problem found in it. */
public final class DefinitionsException extends Exception {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized
  private final List<Problem> problems;

  public DefinitionsException(List<Problem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in the definitions:\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
