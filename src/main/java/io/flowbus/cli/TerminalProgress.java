package io.flowbus.cli;

import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;

/**
 * For a terminal: a line for the run and one live line per stage (a bar, done/total, failed, rate,
 * ETA), redrawn in place by JLine's {@link Display}, which writes only what changed.
 */
final class TerminalProgress implements ProgressView {
  private static final Size FALLBACK = Size.of(80, 24);
  private static final int NAME_WIDTH = 20;
  private static final int MAX_BAR = 30;

  private final Terminal terminal;
  private final Display display;

  TerminalProgress(Terminal terminal) {
    this.terminal = terminal;
    this.display = new Display(terminal, false);
  }

  @Override
  public void show(RunProgress run) {
    Size size = size(run.stages().size() + 1);
    display.resize(size);
    display.update(lines(run, size.getColumns()), -1);
    terminal.flush();
  }

  @Override
  public void finish(RunProgress run) {
    show(run);
    terminal.writer().println();
    terminal.writer().println(Formats.summary(run));
    terminal.flush();
  }

  /** The terminal's size; one that tells none (0 columns) counts as 80 by 24. */
  private Size size(int lines) {
    Size size = terminal.getSize();
    if (size == null || size.getColumns() <= 0 || size.getRows() <= 0) {
      size = FALLBACK;
    }
    return Size.of(size.getColumns(), Math.max(size.getRows(), lines + 1));
  }

  List<AttributedString> lines(RunProgress run, int columns) {
    List<AttributedString> lines = new ArrayList<>();
    lines.add(
        new AttributedStringBuilder()
            .append("run " + run.runId() + " (" + run.job() + ") ")
            .style(style(run.state()))
            .append(run.state())
            .style(AttributedStyle.DEFAULT)
            .append(" " + Formats.duration(run.elapsed()))
            .toAttributedString()
            .columnSubSequence(0, columns));
    for (StageProgress stage : run.stages()) {
      lines.add(stageLine(stage, columns));
    }
    return lines;
  }

  private static AttributedString stageLine(StageProgress stage, int columns) {
    String counts =
        " "
            + stage.done()
            + "/"
            + stage.total()
            + "  failed "
            + stage.failed()
            + "  "
            + Formats.rate(stage.rate())
            + "  ETA "
            + Formats.duration(stage.eta())
            + "  ";
    int bar = Math.max(5, Math.min(MAX_BAR, columns - NAME_WIDTH - counts.length() - 14));
    return new AttributedStringBuilder()
        .append(fit(stage.name()))
        .append(" [")
        .style(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN))
        .append(bar(stage, bar))
        .style(AttributedStyle.DEFAULT)
        .append("]")
        .append(counts)
        .style(style(stage.state()))
        .append(stage.state())
        .toAttributedString()
        .columnSubSequence(0, columns);
  }

  /** The filled part in {@code #}, the rest in {@code .}. */
  static String bar(StageProgress stage, int width) {
    int filled =
        stage.total() <= 0
            ? (stage.state().equals("SUCCEEDED") ? width : 0)
            : (int) Math.min(width, stage.done() * width / stage.total());
    return "#".repeat(filled) + ".".repeat(width - filled);
  }

  private static String fit(String name) {
    return name.length() > NAME_WIDTH
        ? name.substring(0, NAME_WIDTH - 1) + "~"
        : name + " ".repeat(NAME_WIDTH - name.length());
  }

  private static AttributedStyle style(String state) {
    return switch (state) {
      case "SUCCEEDED" -> AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
      case "FAILED", "DAMAGED" -> AttributedStyle.BOLD.foreground(AttributedStyle.RED);
      case "PAUSED", "CANCELLED" -> AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
      default -> AttributedStyle.BOLD;
    };
  }

  @Override
  public void close() {
    try {
      terminal.close();
    } catch (java.io.IOException e) {
      // the terminal's settings are restored on a best-effort basis
    }
  }
}
