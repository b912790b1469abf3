package io.flowbus.cli;

import io.flowbus.definitions.DefinitionsException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * How an invalid definitions file is reported, the same by {@code validate} and a starting node.
 */
public final class DefinitionsReport {
  private DefinitionsReport() {}

  /** Prints every problem, each with file, line, column and path. */
  public static void print(Path file, DefinitionsException invalid, PrintWriter err) {
    err.println("flowbus: the definitions in " + file + " are invalid.");
    err.println(invalid.getMessage());
    err.flush();
  }
}
