package io.flowbus.definitions;

/** One thing wrong in a definitions file, where it is and what is wrong. */
public record Problem(String file, int line, int column, String path, String message) {

  @Override
  public String toString() {
    String where = file + ":" + line + ":" + column + ": ";
    return path.isEmpty() ? where + message : where + path + ": " + message;
  }
}
