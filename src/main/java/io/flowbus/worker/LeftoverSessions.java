package io.flowbus.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops what nodes of this host that ended without stopping their tasks left running: the sessions
 * recorded in every {@link SessionFolder} of the shared folder whose lock is free (its owner died).
 * A record of another boot, or whose pid now names another process, stops nothing.
 */
final class LeftoverSessions {
  private static final Logger LOG = LoggerFactory.getLogger(LeftoverSessions.class);

  /**
   * Beyond the grace period, how long another node's sweep of one folder may take: processes that
   * outlive SIGKILL for a while (5 s), and the looks again for what unrecorded ones forked.
   */
  private static final Duration SWEEP_MARGIN = Duration.ofSeconds(20);

  /** Beyond the grace period, until when what unrecorded processes forked is looked for again. */
  private static final Duration RESCANS = Duration.ofSeconds(8);

  private static final String THIS_JVM = "node-" + ProcessHandle.current().pid() + "-";

  /** Whether a node of this JVM said that the local dir is not to be trusted. */
  private static final AtomicBoolean warned = new AtomicBoolean();

  private final Path shared;
  private final String bootId;

  /**
   * @param shared the folder the nodes of this host keep their folders in
   * @param bootId this boot of the host ({@link SessionFolder#bootId})
   */
  LeftoverSessions(Path shared, String bootId) {
    this.shared = shared;
    this.bootId = bootId;
  }

  /**
   * Stops every session recorded by nodes of this host that no longer run (this node's earlier life
   * among them), waits until they are gone, and removes their folders. Blocking. Returns how many
   * processes were stopped.
   */
  int stop(Duration grace, ScheduledExecutorService timer) throws IOException {
    if (!trusted()) {
      return 0;
    }
    List<String> records = new ArrayList<>();
    List<Path> dead = new ArrayList<>();
    List<Long> live = new ArrayList<>();
    List<FileChannel> locks = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(shared, "node-*")) {
      long start = System.nanoTime();
      long waitUntil = start + grace.plus(SWEEP_MARGIN).toNanos();
      for (Path folder : folders) {
        try {
          FileChannel channel = deadNodesLock(folder, waitUntil);
          if (channel == null) {
            ownerOf(folder).ifPresent(live::add);
            continue;
          }
          locks.add(channel);
          records.addAll(SessionFolder.recorded(folder));
          dead.add(folder);
        } catch (IOException e) {
          // one folder that cannot be read (another user's, say) does not keep the others
          LOG.warn("cannot stop what the node of {} left: {}", folder, e.toString());
        }
      }
      if (dead.isEmpty()) {
        return 0;
      }
      int stopped = stopWhatTheyLeft(dead, records, SparedProcesses.of(live), start, grace, timer);
      dead.forEach(SessionFolder::removeQuietly);
      LOG.info(
          "stopped {} processes left running by nodes of this host that ended without stopping"
              + " them ({} task sessions recorded in {})",
          stopped,
          records.size(),
          shared);
      return stopped;
    } finally {
      for (FileChannel channel : locks) {
        channel.close();
      }
    }
  }

  /**
   * Whether the records here can only be the nodes' own: where others may change the folder, they
   * could forge a record that names any session of this host, and the node (root, say) would stop
   * it. Says why not in one WARN a node life.
   */
  private boolean trusted() {
    try {
      SafePath.check(shared);
      return true;
    } catch (IOException e) {
      if (!warned.getAndSet(true)) {
        LOG.warn(
            "what dead nodes of this host left running is not stopped: the records in {} could"
                + " be another user's ({}); use a --local-dir that only this user can change",
            shared,
            e.getMessage());
      }
      return false;
    }
  }

  /**
   * Stops what the {@code dead} nodes' {@code records} name, and what they started and did not live
   * to record (killed between a start and its record): found before anything is stopped, so that
   * all of it is stopped within the one grace; then what forked meanwhile, or made a session of its
   * own while its session was being stopped. Returns how many processes were stopped.
   */
  private int stopWhatTheyLeft(
      List<Path> dead,
      List<String> records,
      SparedProcesses spared,
      long start,
      Duration grace,
      ScheduledExecutorService timer) {
    Set<String> names = names(dead);
    long since = startedSince(dead);
    Map<Long, ProcStat> unrecorded = UnrecordedSessions.find(names, since, spared);
    List<CompletableFuture<Integer>> stopping = stopAll(records, unrecorded, spared, grace, timer);
    int stopped = UnrecordedSessions.stop(unrecorded, grace, timer);
    stopped += stopping.stream().mapToInt(CompletableFuture::join).sum();
    long deadline = start + grace.plus(RESCANS).toNanos();
    return stopped + UnrecordedSessions.stopLeft(names, since, spared, deadline, timer);
  }

  /**
   * Starts stopping the sessions of this boot that {@code records} name, and leaves those sessions
   * out of {@code unrecorded}. Each future completes with how many processes it stopped.
   */
  private List<CompletableFuture<Integer>> stopAll(
      List<String> records,
      Map<Long, ProcStat> unrecorded,
      SparedProcesses spared,
      Duration grace,
      ScheduledExecutorService timer) {
    List<CompletableFuture<Integer>> stopping = new ArrayList<>();
    for (String record : records) {
      String[] fields = record.split(" ", -1);
      if (fields.length == 3 && fields[2].equals(bootId) && isNumber(fields[0], fields[1])) {
        long sid = Long.parseLong(fields[0]);
        unrecorded.values().removeIf(p -> p.session() == sid);
        if (spared.sessions().contains(sid)) {
          LOG.warn("session {}, recorded by a dead node, is left: a live node runs in it", sid);
        } else {
          stopping.add(ProcessSession.stop(sid, Long.parseLong(fields[1]), grace, timer));
        }
      }
    }
    return stopping;
  }

  /**
   * Clock ticks since boot (as {@code /proc/<pid>/stat} counts) before which none of the dead
   * nodes' tasks started: their folders were made before any of them, and their lock files are
   * never written after. A minute early, for the wall clock's corrections; 0 when not known.
   */
  private static long startedSince(List<Path> dead) {
    long now = ProcStat.ticksSinceBootFloor();
    long oldest = System.currentTimeMillis();
    for (Path folder : dead) {
      try {
        oldest =
            Math.min(
                oldest, Files.getLastModifiedTime(folder.resolve(SessionFolder.LOCK)).toMillis());
      } catch (IOException e) {
        return 0;
      }
    }
    long ago = (System.currentTimeMillis() - oldest) / 10 + 6_000; // 100 ticks a second
    return now == 0 ? 0 : Math.max(0, now - ago);
  }

  private static Set<String> names(List<Path> folders) {
    Set<String> names = new HashSet<>();
    folders.forEach(folder -> names.add(folder.getFileName().toString()));
    return names;
  }

  private static boolean isNumber(String... values) {
    for (String value : values) {
      if (!value.matches("[0-9]{1,18}")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The lock of a folder whose node is gone, now held; null while its node lives. A lock held
   * though the node named in the folder is gone is another node's sweep of it: this one waits for
   * that sweep (until {@code waitUntil}), or an attempt could start beside what it is stopping.
   */
  private static FileChannel deadNodesLock(Path folder, long waitUntil) throws IOException {
    if (isThisJvms(folder)) {
      return null;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(folder.resolve(SessionFolder.LOCK), StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return null; // a node creating it right now
    }
    boolean locked = SessionFolder.tryLock(channel) != null;
    while (!locked && ownerGone(folder) && System.nanoTime() - waitUntil < 0) {
      sleepBriefly();
      locked = SessionFolder.tryLock(channel) != null;
    }
    if (!locked || !Files.exists(folder.resolve(SessionFolder.LOCK))) {
      channel.close(); // its node lives, or another sweep removed the folder
      return null;
    }
    return channel;
  }

  /**
   * Whether a folder is one of a node of this JVM. Those live (tests run several): and closing a
   * channel to a file that this JVM has locked would drop that lock, so they are not even opened.
   */
  static boolean isThisJvms(Path folder) {
    return folder.getFileName().toString().startsWith(THIS_JVM);
  }

  /** Whether the process that made {@code folder} (node-PID-...) no longer runs. */
  static boolean ownerGone(Path folder) {
    return ownerOf(folder)
        .map(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true))
        .orElse(false);
  }

  /** The pid of the process that made {@code folder} (node-PID-...), if its name says. */
  private static Optional<Long> ownerOf(Path folder) {
    String[] parts = folder.getFileName().toString().split("-", 3);
    if (parts.length < 3 || !parts[1].matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(parts[1]));
  }

  private static void sleepBriefly() throws IOException {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while another node stops what a dead node left", e);
    }
  }
}
