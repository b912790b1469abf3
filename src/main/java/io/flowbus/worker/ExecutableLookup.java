package io.flowbus.worker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the program a task names. The JVM would search its own PATH, not the task's, so the search
 * is done here: the bin folder first, then the task's PATH. A name with a slash is taken relative
 * to the task's working directory. A program not found is named, the PATH is not: it is the
 * worker's, and it ends up in the run's error.
 */
final class ExecutableLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutableLookup.class);

  private ExecutableLookup() {}

  /** The executable's path, or an {@link IllegalArgumentException} saying why there is none. */
  static String find(String command, Path workDir, String path) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    if (command.contains("/")) {
      Path file = workDir.resolve(command);
      check(file, command);
      return file.toString();
    }
    List<String> searched = new ArrayList<>();
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty() || !Path.of(dir).isAbsolute()) {
        continue; // a relative entry would mean one folder here and another in the task's
      }
      searched.add(dir);
      // java.io.File answers with a boolean: Files.isRegularFile throws and catches an exception
      // for each folder that does not hold the program, which cost more than the rest of a start
      File candidate = new File(dir, command);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    LOG.debug("command '{}' not found in {}", command, searched);
    throw new IllegalArgumentException(
        "command '"
            + command
            + "' not found on the task's PATH ("
            + searched.size()
            + (searched.size() == 1 ? " folder" : " folders")
            + " searched)");
  }

  private static void check(Path file, String command) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("command '" + command + "' does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
      throw new IllegalArgumentException("command '" + command + "' is not an executable file");
    }
  }
}
