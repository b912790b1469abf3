package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One journal file open for appending. Every append starts on a fresh line: a partial last line
 * found on opening (a crash mid-write) is cut off, and an append that fails midway (disk full, I/O
 * error) is cut back out, so the file only ever holds whole lines.
 */
final class JournalFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalFile.class);
  private static final int SCAN = 4096;

  /** Opens the channel of a journal file for reading and writing, creating it if need be. */
  @FunctionalInterface
  interface Opener {
    FileChannel open(Path file) throws IOException;

    Opener FILES =
        file ->
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private final Path path;
  private final FileChannel channel;
  private long end;
  private long lastUsed;

  private JournalFile(Path path, FileChannel channel, long end) {
    this.path = path;
    this.channel = channel;
    this.end = end;
  }

  /**
   * Opens {@code path} after its last whole line, or at {@code failedAt}, where it ended before an
   * append that failed and could not be cut back (null if there was none).
   */
  static JournalFile open(Path path, Opener opener, Long failedAt) throws IOException {
    boolean created = !Files.exists(path);
    PrivateFiles.createDirectories(path.getParent());
    FileChannel channel = opener.open(path);
    if (created) {
      // a new journal's name must survive a power loss as its lines do: sync the folders too
      PrivateFiles.syncDirectory(path.getParent());
      PrivateFiles.syncDirectory(path.getParent().getParent());
    }
    try {
      long size = channel.size();
      long whole = failedAt != null && failedAt < size ? failedAt : wholeLines(channel, size);
      if (whole < size) {
        LOG.warn("journal {}: cutting {} bytes of a partial last line", path, size - whole);
        channel.truncate(whole);
      }
      channel.position(whole);
      return new JournalFile(path, channel, whole);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The length of the file up to the end of its last whole line (0 if it has none). */
  static long wholeLines(FileChannel channel, long size) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(SCAN);
    long to = size;
    while (to > 0) {
      long from = Math.max(0, to - SCAN);
      buffer.clear().limit((int) (to - from));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, from + buffer.position()) < 0) {
          throw new IOException("the journal shrank while being read");
        }
      }
      for (int i = buffer.limit() - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          return from + i + 1;
        }
      }
      to = from;
    }
    return 0;
  }

  /**
   * Writes whole lines (and forces them to disk when asked). On failure nothing of them stays: the
   * file is cut back to where it ended before, or removed if it would be left empty.
   */
  void append(ByteBuffer lines, boolean fsync, long now) throws IOException {
    lastUsed = now;
    try {
      while (lines.hasRemaining()) {
        channel.write(lines);
      }
      if (fsync) {
        channel.force(false);
      }
      end = channel.position();
    } catch (IOException | RuntimeException e) {
      undo(e);
      throw e;
    }
  }

  private void undo(Exception failure) {
    try {
      channel.truncate(end);
      channel.position(end);
      channel.close();
      if (end == 0) {
        Files.deleteIfExists(path); // a run whose first line never made it leaves no journal
      }
    } catch (IOException e) {
      failure.addSuppressed(e); // the writer opens it again at end(), cutting the rest then
      LOG.error("journal {}: a failed append could not be cut back: {}", path, e.toString());
    }
  }

  /** Where the file ends: after the last line that was written whole. */
  long end() {
    return end;
  }

  long lastUsed() {
    return lastUsed;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("cannot close journal {}: {}", path, e.toString());
    }
  }
}
