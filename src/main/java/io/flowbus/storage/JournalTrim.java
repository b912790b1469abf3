package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Cuts whole lines off the end of a journal: lines written after a write that failed. */
final class JournalTrim {
  private static final int CHUNK = 64 * 1024;

  private JournalTrim() {}

  /**
   * Removes the last {@code lines} complete lines of {@code file} (and anything after its last
   * newline, which no complete write left); the file is emptied if it holds no more.
   */
  static void dropLastLines(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      long size = channel.size();
      long end = size;
      int newlines = 0;
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      // the newline that ends the line kept last is the (lines + 1)-th from the end
      while (end > 0) {
        long start = Math.max(0, end - CHUNK);
        buffer.clear().limit((int) (end - start));
        int read;
        do {
          read = channel.read(buffer, start + buffer.position());
        } while (read >= 0 && buffer.hasRemaining());
        for (int i = (int) (end - start) - 1; i >= 0; i--) {
          if (buffer.get(i) == '\n' && ++newlines == lines + 1) {
            truncate(channel, start + i + 1, size);
            return;
          }
        }
        end = start;
      }
      truncate(channel, 0, size);
    }
  }

  private static void truncate(FileChannel channel, long size, long was) throws IOException {
    if (size < was) {
      channel.truncate(size);
      channel.force(true);
    }
  }
}
