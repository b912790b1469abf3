package io.flowbus.cli;

import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Opens the terminal that live progress is drawn on. */
@FunctionalInterface
public interface Terminals {
  /** The terminal standard output is, or null when it is not one (a pipe, a file). */
  Terminal open() throws IOException;

  /**
   * Standard output, if it is a terminal: JLine looks at standard output only, so {@code run
   * --follow | cat} from an interactive shell prints plain lines into the pipe instead of drawing
   * on the terminal that stdin and stderr still are. Grapheme-cluster probing is off: it writes
   * queries to the terminal and waits for answers that a pipe or a plain pseudo-terminal never
   * gives.
   */
  static Terminals system() {
    return () -> {
      Terminal terminal =
          TerminalBuilder.builder()
              .system(true)
              .systemOutput(TerminalBuilder.SystemOutput.SysOut)
              .dumb(true)
              .graphemeCluster(false)
              .build();
      if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
        terminal.close();
        return null;
      }
      return terminal;
    };
  }
}
