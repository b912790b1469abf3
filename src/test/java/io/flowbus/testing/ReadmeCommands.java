package io.flowbus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands of a README section, run as a newcomer copies them: against a test node
 * instead of {@code localhost:8080}, with {@code sh}. A trailing {@code | jq .field} is left off
 * (jq need not be installed); {@link Ran#field} reads the field from the JSON answer instead.
 */
public final class ReadmeCommands {
  private static final Pattern JQ_FIELD = Pattern.compile("\\s*\\|\\s*jq\\s+\\.(\\w+)\\s*$");

  private ReadmeCommands() {}

  /** One command as the README has it (continuation lines joined, comments dropped). */
  public record Command(String text) {
    /** Runs the command against the node on {@code port}, with {@code env} added. */
    public Ran runAgainst(int port, Map<String, String> env) {
      String line = text.replace("localhost:8080", "localhost:" + port);
      Matcher jq = JQ_FIELD.matcher(line);
      String field = jq.find() ? jq.group(1) : null;
      String shell = field == null ? line : line.substring(0, jq.start());
      try {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", shell);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new AssertionError("did not end: " + shell);
        }
        return new Ran(shell, out, field);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** What a command wrote on stdout; {@code field} is the one its {@code | jq} would show. */
  public record Ran(String command, String stdout, String field) {
    /** The field the README pipes to jq, read from the JSON answer (null if it has none). */
    public Object fieldValue() {
      return new io.vertx.core.json.JsonObject(stdout).getValue(field);
    }
  }

  /** The commands of the {@code sh} blocks under the heading whose text is {@code heading}. */
  public static List<Command> under(String heading) {
    List<Command> commands = new ArrayList<>();
    boolean inSection = false;
    boolean inBlock = false;
    StringBuilder pending = new StringBuilder();
    for (String line : readme()) {
      if (!inBlock && line.startsWith("#")) {
        inSection = line.replaceFirst("^#+\\s*", "").equals(heading);
      } else if (inSection && line.startsWith("```")) {
        inBlock = !inBlock && line.equals("```sh");
      } else if (inSection && inBlock && !line.isBlank() && !line.startsWith("#")) {
        String code = line.replaceFirst("\\s+#\\s.*$", "");
        pending.append(code.endsWith("\\") ? code.substring(0, code.length() - 1) : code);
        if (!code.endsWith("\\")) {
          commands.add(new Command(pending.toString().strip()));
          pending.setLength(0);
        }
      }
    }
    if (commands.isEmpty()) {
      throw new AssertionError("README.md has no sh commands under '" + heading + "'");
    }
    return commands;
  }

  private static List<String> readme() {
    try {
      return Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
