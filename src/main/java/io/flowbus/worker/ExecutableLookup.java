package io.flowbus.worker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the program a task names. The JVM would search its own PATH, not the task's, so the search
 * is done here: the bin folder first, then the task's PATH. A name with a slash is taken relative
 * to the task's working directory. A program not found is named, the PATH is not: it is the
 * worker's, and it ends up in the run's error.
 *
 * <p>What a search found is remembered for a second, as a shell's command hash does for longer: a
 * fan-out starts the same program thousands of times a minute, and each search looks at every
 * folder of the PATH before the program's (ten look-ups a task where the PATH is long). A program
 * put in an earlier folder of the PATH, or removed, is seen a second later at most.
 */
final class ExecutableLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutableLookup.class);

  /** How long a search's answer serves (1 s). */
  static final long REMEMBER_NANOS = 1_000_000_000L;

  /** Enough for every program of a node's job definitions; past it, all is forgotten. */
  private static final int REMEMBERED = 512;

  private final LongSupplier nanoTime;
  private final ConcurrentMap<Search, Found> found = new ConcurrentHashMap<>();

  private record Search(String command, String path) {}

  private record Found(String file, long at) {}

  /**
   * @param nanoTime the clock searches are remembered by ({@code System::nanoTime})
   */
  ExecutableLookup(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** As {@link #find}, with what a search found in the last second remembered. */
  String resolve(String command, Path workDir, String path) {
    if (command.isEmpty() || command.contains("/")) {
      return find(command, workDir, path);
    }
    Search search = new Search(command, path);
    long now = nanoTime.getAsLong();
    Found earlier = found.get(search);
    if (earlier != null && now - earlier.at() < REMEMBER_NANOS) {
      return earlier.file();
    }
    String file = search(command, path);
    if (found.size() >= REMEMBERED) {
      found.clear();
    }
    found.put(search, new Found(file, now));
    return file;
  }

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
    return search(command, path);
  }

  private static String search(String command, String path) {
    List<String> searched = new ArrayList<>();
    boolean notExecutable = false;
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty() || !Path.of(dir).isAbsolute()) {
        continue; // a relative entry would mean one folder here and another in the task's
      }
      searched.add(dir);
      // java.io.File answers with a boolean: Files.isRegularFile throws and catches an exception
      // for each folder that does not hold the program, which cost more than the rest of a start
      File candidate = new File(dir, command);
      if (candidate.isFile()) {
        if (candidate.canExecute()) {
          return candidate.getPath();
        }
        notExecutable = true;
      }
    }
    LOG.debug("command '{}' not found in {}", command, searched);
    if (notExecutable) {
      // as execvp says EACCES when it found the name but could run none of the files
      throw new IllegalArgumentException(
          "command '" + command + "' is on the task's PATH but is not an executable file");
    }
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
