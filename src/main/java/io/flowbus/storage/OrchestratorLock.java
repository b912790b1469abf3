package io.flowbus.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A lock file on the shared volume that only one orchestrator holds at a time. Cluster membership
 * says who should orchestrate; this makes sure that two never write the journals at once, even if
 * the cluster splits in two for a while. The operating system frees the lock when its holder dies.
 */
public final class OrchestratorLock implements AutoCloseable {
  private final Path file;
  private FileChannel channel;
  private FileLock lock;

  public OrchestratorLock(DataLayout layout) {
    this.file = layout.root().resolve("orchestrator.lock");
  }

  /** Takes the lock if it is free; blocking only for the file operation. */
  public synchronized boolean tryAcquire() throws IOException {
    if (lock != null) {
      return true;
    }
    Files.createDirectories(file.getParent());
    FileChannel opened =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock taken = opened.tryLock();
      if (taken == null) {
        opened.close();
        return false;
      }
      channel = opened;
      lock = taken;
      return true;
    } catch (OverlappingFileLockException e) {
      opened.close(); // another orchestrator of this same JVM holds it (nodes in one test JVM)
      return false;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (lock != null) {
      lock.release();
      lock = null;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
