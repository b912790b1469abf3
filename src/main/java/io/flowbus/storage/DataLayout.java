package io.flowbus.storage;

import io.flowbus.model.TaskId;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live on the shared volume. A run's workspace holds only what its tasks write; what
 * the engine keeps about a run (journal, logs, spawn entries) lives apart, under {@code meta/}, and
 * its keys under {@code keys/}; both readable by the engine's user only.
 */
public final class DataLayout {

  /** Task logs per folder: with two streams and a few attempts each, well under 10,000 files. */
  private static final int LOGS_PER_FOLDER = 1000;

  private final Path root;

  public DataLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * Whether {@code id} can name a run: {@code [a-z0-9][a-z0-9-]{0,63}}. Checked char by char, not
   * with a pattern: a worker checks each task's run id three times (workspace and two logs).
   */
  public static boolean isRunId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64 || id.charAt(0) == '-') {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  public static boolean isTaskId(String id) {
    return TaskId.isValid(id);
  }

  public Path runsDir() {
    return root.resolve("runs");
  }

  public Path metaDir() {
    return root.resolve("meta");
  }

  public Path workspace(String runId) {
    return runsDir().resolve(checkRunId(runId));
  }

  public Path meta(String runId) {
    return metaDir().resolve(checkRunId(runId));
  }

  public Path journal(String runId) {
    return meta(runId).resolve("journal.jsonl");
  }

  /** A run's secret input values, encrypted with {@link #secretsKey()}. */
  public Path secrets(String runId) {
    return meta(runId).resolve("secrets.enc");
  }

  /** Where versions before encryption at rest kept a run's secrets in clear. */
  public Path clearSecrets(String runId) {
    return meta(runId).resolve("secrets.json");
  }

  /** The engine's keys, readable by the engine's user only. */
  public Path keysDir() {
    return root.resolve("keys");
  }

  /** The key that encrypts secrets at rest, made by the first node that needs it. */
  public Path secretsKey() {
    return keysDir().resolve("secrets.key");
  }

  public Path spawnEntries(String runId, int stage) {
    return meta(runId).resolve("spawn-" + stage + ".json");
  }

  /**
   * Where an attempt's stdout or stderr is kept: {@code logs/s<stage>/<index / 1000>/t<index>.
   * <attempt>.<stream>.log} ({@code logs/s<stage>/spawn.<attempt>.<stream>.log} for a spawn task),
   * so that no folder holds more than a few thousand files however wide the fan-out.
   */
  public Path log(String runId, String taskId, int attempt, String stream) {
    TaskId id =
        TaskId.parse(taskId)
            .orElseThrow(() -> new IllegalArgumentException("not a task id: " + taskId));
    Path stage = meta(runId).resolve("logs").resolve("s" + id.stage());
    String suffix = "." + attempt + "." + stream + ".log";
    if (id.isSpawn()) {
      return stage.resolve("spawn" + suffix);
    }
    long index = id.index();
    return stage.resolve(Long.toString(index / LOGS_PER_FOLDER)).resolve("t" + index + suffix);
  }

  /**
   * The log to read: {@link #log}, or where runs written before the per-stage folders kept it (all
   * in {@code logs/}) when only that one exists.
   */
  public Path existingLog(String runId, String taskId, int attempt, String stream) {
    Path current = log(runId, taskId, attempt, stream);
    Path flat = meta(runId).resolve("logs").resolve(taskId + "." + attempt + "." + stream + ".log");
    return !Files.exists(current) && Files.exists(flat) ? flat : current;
  }

  /**
   * The journal of the schedules: which due times fired and which runs they started. Its folder's
   * name is no run id, so that it is never taken for a run.
   */
  public Path scheduleJournal() {
    return metaDir().resolve("_schedules").resolve("journal.jsonl");
  }

  /** The definitions last put in force over REST, kept for the next start of the cluster. */
  public Path currentDefinitions() {
    return root.resolve("definitions").resolve("current.yaml");
  }

  public Path definitions(String version) {
    if (!version.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a definitions version: " + version);
    }
    return root.resolve("definitions").resolve(version + ".yaml");
  }

  private static String checkRunId(String runId) {
    if (!isRunId(runId)) {
      throw new IllegalArgumentException("not a run id: " + runId);
    }
    return runId;
  }
}
