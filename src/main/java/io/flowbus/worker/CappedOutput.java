package io.flowbus.worker;

import io.flowbus.model.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A task's stdout or stderr on its way to the log file: every secret and long enough prefix of one
 * replaced by {@code ***} (see {@link Secrets}), and nothing kept past the size limit but a marker
 * saying how much was dropped. A secret split across two writes is still found: the last bytes that
 * could begin one are held back until more arrive, and a prefix at the very end of the output is
 * masked when the stream closes.
 *
 * <p>A log that cannot be written (a full volume) never fails the writer: the first error is kept
 * in {@link #failure()}, the rest of the output is accepted and dropped, so that whoever copies a
 * process's pipe into it keeps reading and the process is not killed by a broken pipe.
 */
final class CappedOutput extends OutputStream {
  private final OutputStream out;
  private final long limit;
  private final Secrets secrets;
  private final int holdBack;
  private byte[] pending = new byte[0];
  private long written;
  private long dropped;
  private boolean closed;
  private IOException failure;

  CappedOutput(OutputStream out, long limit, List<String> secrets) {
    this.out = out;
    this.limit = limit;
    this.secrets = Secrets.of(secrets);
    this.holdBack = Math.max(0, this.secrets.longest() - 1);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("the log is closed");
    }
    if (secrets.isEmpty()) {
      emit(b, off, len);
      return;
    }
    byte[] data = Arrays.copyOf(pending, pending.length + len);
    System.arraycopy(b, off, data, pending.length, len);
    int done = secrets.mask(data, Math.max(0, data.length - holdBack), data.length, this::emit);
    pending = Arrays.copyOfRange(data, done, data.length);
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    long room = Math.max(0, limit - written);
    int keep = (int) Math.min(room, len);
    if (keep > 0 && failure == null) {
      try {
        out.write(b, off, keep);
        written += keep;
      } catch (IOException e) {
        failure = e;
      }
    }
    dropped += len - keep;
  }

  /** Why the log could not be written completely (such as a full volume), or null. */
  synchronized String failure() {
    if (failure == null) {
      return null;
    }
    return failure.getMessage() != null ? failure.getMessage() : failure.toString();
  }

  @Override
  public synchronized void flush() {
    if (!closed && failure == null) {
      try {
        out.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  /** Writes what was held back (no secret can start there any more) and the truncation marker. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      secrets.mask(pending, pending.length, pending.length, this::emit);
      pending = new byte[0];
      if (dropped > 0 && failure == null) {
        String marker =
            "\n[flowbus: output cut at " + limit + " bytes; " + dropped + " more bytes dropped]\n";
        out.write(marker.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      failure = failure == null ? e : failure;
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
  }
}
