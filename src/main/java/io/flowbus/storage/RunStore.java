package io.flowbus.storage;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.JobDef;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.SpawnEntries;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run state on the shared volume: one journal of events per run, replayed to rebuild the run after
 * a restart or on a new orchestrator. Secrets are kept apart from the journal, encrypted (see
 * {@link SecretBox}), and removed when the run ends.
 */
public final class RunStore implements EventCodec.References {
  private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);

  private final DataLayout layout;
  private final JournalWriter writer;
  private final SecretBox box;
  private final Map<String, Definitions> definitionsByVersion = new ConcurrentHashMap<>();

  public RunStore(DataLayout layout, JournalWriter writer) {
    this(layout, writer, new SecretBox(layout.secretsKey()));
  }

  public RunStore(DataLayout layout, JournalWriter writer, SecretBox box) {
    this.layout = layout;
    this.writer = writer;
    this.box = box;
  }

  /**
   * What keeps the runs' secrets: for what else the engine must keep from the journal's readers.
   */
  public SecretBox secretBox() {
    return box;
  }

  /** Journals one event; completes once it is on disk. */
  public CompletableFuture<Void> record(Run run, RunEvent event) {
    Path journal = layout.journal(run.id());
    CompletableFuture<Void> secretsWritten = CompletableFuture.completedFuture(null);
    if ((event instanceof RunEvent.Created || event instanceof RunEvent.Retried)
        && !run.secretInputs().isEmpty()) {
      // a retried run goes on: its secrets, removed when it ended, are kept again
      secretsWritten = writer.execute(null, () -> writeSecrets(run));
    }
    CompletableFuture<Void> written =
        secretsWritten.thenCombine(
            writer.append(journal, EventCodec.encode(event).encode()), (a, b) -> null);
    if (event instanceof RunEvent.Ended ended
        && ended.state() == RunState.SUCCEEDED
        && !run.secretInputs().isEmpty()) { // none were written else: no failed delete per run
      // only once the end is durable: a failed end is rolled back and the run goes on with them.
      // A FAILED or CANCELLED run keeps them (encrypted) for a retry, until it is deleted.
      written.thenRun(
          () -> writer.execute(null, () -> Files.deleteIfExists(layout.secrets(run.id()))));
    }
    if (run.state().ended() && !run.hasRunningTasks()) {
      writer.closeFile(journal); // nothing more to write, unless a late result reopens it
    }
    return written;
  }

  /**
   * Undoes the end of a run's journal, in order with its writes: cuts the last {@code lines} lines
   * (written after a write that failed), then replays what is left; null if no run is left.
   */
  public CompletableFuture<Run> rollBack(String runId, int lines) {
    Path journal = layout.journal(runId);
    CompletableFuture<Run> replayed = new CompletableFuture<>();
    writer
        .execute(
            journal,
            () -> {
              JournalTrim.dropLastLines(journal, lines);
              replayed.complete(
                  Files.exists(journal) && Files.size(journal) > 0 ? load(runId) : null);
            })
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                replayed.completeExceptionally(e);
              }
            });
    return replayed;
  }

  private void writeSecrets(Run run) throws IOException {
    Map<String, Object> secrets = new LinkedHashMap<>();
    run.secretInputs().forEach(name -> secrets.put(name, run.inputs().get(name)));
    box.write(layout.secrets(run.id()), new JsonObject(secrets).toBuffer().getBytes());
  }

  /** Removes a run's journal, logs and workspace, in order with the journal's writes. */
  public CompletableFuture<Void> delete(String runId) {
    Path journal = layout.journal(runId);
    return writer.execute(
        journal,
        () -> {
          deleteTree(layout.workspace(runId));
          deleteTree(layout.meta(runId));
        });
  }

  /** When the run's journal was last written; blocking. */
  public java.time.Instant lastWritten(String runId) throws IOException {
    return Files.getLastModifiedTime(layout.journal(runId)).toInstant();
  }

  /** Keeps the definitions text a run was planned from, so that it can be replayed later. */
  public void archiveDefinitions(String version, String text) throws IOException {
    Path file = layout.definitions(version);
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(version + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Every run on the volume, rebuilt from its journal, those that cannot be DAMAGED; blocking. Call
   * it only while holding the data directory: torn last lines are cut from the files.
   */
  public List<Run> loadAll() throws IOException {
    List<Run> runs = new ArrayList<>();
    if (!Files.isDirectory(layout.metaDir())) {
      return runs;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(layout.metaDir())) {
      dirs = list.filter(Files::isDirectory).sorted().toList();
    }
    for (Path dir : dirs) {
      String runId = dir.getFileName().toString();
      if (DataLayout.isRunId(runId) && Files.exists(layout.journal(runId))) {
        Run run = load(runId);
        if (run.state() == RunState.DAMAGED) {
          LOG.error("run {} is DAMAGED and will not be resumed: {}", runId, run.error());
        }
        runs.add(run);
      }
    }
    return runs;
  }

  /**
   * Replays one journal (see {@link JournalReplay}). A torn last line is cut from the file, so that
   * the next append starts on a fresh line; a damaged journal is left as it is.
   */
  Run load(String runId) {
    Path journal = layout.journal(runId);
    JournalReplay.Result result;
    try {
      result = JournalReplay.replay(runId, Files.readAllBytes(journal), this);
    } catch (IOException | RuntimeException e) {
      return JournalReplay.unreadable(runId, e);
    }
    if (result.torn() > 0) {
      LOG.warn("run {}: cutting a journal line torn by a crash ({} bytes)", runId, result.torn());
      try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
        channel.truncate(result.wholeLength());
        channel.force(true);
      } catch (IOException e) {
        // the journal writer cuts it when it opens the file
        LOG.error("run {}: cannot cut the torn line yet: {}", runId, e.toString());
      }
    }
    return result.run();
  }

  @Override
  public RunPlan plan(String definitionsVersion, String jobId) throws IOException {
    Definitions definitions = definitionsByVersion.get(definitionsVersion);
    if (definitions == null) {
      Path file = layout.definitions(definitionsVersion);
      try {
        definitions = DefinitionsLoader.load(file);
      } catch (DefinitionsException e) {
        throw new IOException("archived definitions " + file + " no longer load", e);
      }
      definitionsByVersion.put(definitionsVersion, definitions);
    }
    JobDef job =
        definitions.job(jobId).orElseThrow(() -> new IOException("definitions lack job " + jobId));
    return RunPlan.of(definitions, job, definitionsVersion);
  }

  /**
   * A run's secret input values; none once it succeeded (or was never given any). An {@link
   * IOException} saying why when they are kept but cannot be decrypted: the run must not go on
   * without them.
   */
  @Override
  public Map<String, String> secrets(String runId) throws IOException {
    Path file = layout.secrets(runId);
    Path clear = layout.clearSecrets(runId);
    byte[] json;
    if (Files.exists(file)) {
      json = box.read(file);
    } else if (Files.exists(clear)) {
      // kept in clear by an earlier version: encrypted now, and the clear copy removed
      json = Files.readAllBytes(clear);
      box.write(file, json);
      Files.delete(clear);
    } else {
      return new LinkedHashMap<>();
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    new JsonObject(Buffer.buffer(json))
        .forEach(e -> secrets.put(e.getKey(), (String) e.getValue()));
    return secrets;
  }

  /**
   * The entries a spawn task wrote, as the worker stored them after checking them (encrypted when
   * the run has secrets), packed (see {@link SpawnEntries}); blocking.
   */
  @Override
  public List<Map<String, String>> spawnEntries(String runId, int stage) throws IOException {
    Path file = layout.spawnEntries(runId, stage);
    byte[] bytes = Files.readAllBytes(file);
    if (SecretBox.isSealed(bytes)) {
      bytes = box.open(bytes, file);
    }
    return SpawnEntriesReader.read(bytes);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
