package io.flowbus.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells, cheaply, whether a sweep of {@link LeftoverSessions} could stop anything since the last
 * one: whether a node folder was made or removed in the shared folder since (its modification time
 * and inode say so: one {@code stat}), or a node of a folder seen then has died (its lock is free,
 * or held while the node that made it is gone: another node sweeps it). With one node on the host,
 * the usual case, that is one {@code stat} per attempt instead of a listing and a lock attempt per
 * folder.
 *
 * <p>A folder made in the same clock tick as the last change would leave the modification time as
 * it was: so a state of the shared folder is trusted only once its modification time is {@link
 * #SETTLED_MS} older than the moment it was read (a later change then gives it another time); until
 * then every check asks for a sweep. A node starting or dying thus costs full sweeps for a few
 * seconds.
 */
final class NodeFolderWatch {
  /** How old the shared folder's last change must be for its state to be trusted. */
  static final long SETTLED_MS = 5_000;

  /** What tells one state of the shared folder from another. */
  record State(Object fileKey, FileTime modified) {
    static State of(Path folder) throws IOException {
      BasicFileAttributes a = Files.readAttributes(folder, BasicFileAttributes.class);
      return new State(a.fileKey(), a.lastModifiedTime());
    }
  }

  private final Path shared;

  /** The shared folder as the last sweep found it; null when the next check must sweep. */
  private State seen;

  /** The folders of other JVMs' nodes that the last sweep left (their nodes lived). */
  private List<Path> others = List.of();

  NodeFolderWatch(Path shared) {
    this.shared = shared;
  }

  /**
   * The state of the shared folder, read before a sweep and handed to {@link #swept} after it. A
   * state that cannot be read is null: then the next check sweeps again.
   */
  State beforeSweep() {
    seen = null;
    long readAt = System.currentTimeMillis();
    try {
      State state = State.of(shared);
      return state.modified().toMillis() < readAt - SETTLED_MS ? state : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Notes what a sweep that started with {@code before} left: from now on, {@link #sweepDue} says
   * no as long as the shared folder keeps that state and every other node's folder its live node.
   */
  void swept(State before) throws IOException {
    seen = null;
    if (before == null) {
      return;
    }
    List<Path> folders = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(shared, "node-*")) {
      for (Path folder : entries) {
        if (!LeftoverSessions.isThisJvms(folder)) {
          folders.add(folder);
        }
      }
    }
    others = List.copyOf(folders);
    seen = before;
  }

  /** Whether a sweep may find something: blocking, one {@code stat} when nothing changed. */
  boolean sweepDue() {
    if (seen == null) {
      return true;
    }
    try {
      if (!seen.equals(State.of(shared))) {
        return true;
      }
      for (Path folder : others) {
        if (mayBeDead(folder)) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** Whether a folder's node may have died: its lock is free, or its maker is gone. */
  private static boolean mayBeDead(Path folder) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(folder.resolve(SessionFolder.LOCK), StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return true; // removed: the shared folder changed too, but say so here as well
    }
    try (channel) {
      FileLock lock = SessionFolder.tryLock(channel);
      if (lock != null) {
        lock.release();
        return true;
      }
      return LeftoverSessions.ownerGone(folder);
    }
  }
}
