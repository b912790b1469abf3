package io.flowbus.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that fails on demand, as a full disk or a failing device does: a write that stops
 * after some bytes, a force or a truncate that throws. Everything else goes to the real channel.
 */
public final class FaultyFileChannel extends FileChannel {
  /** What fails, shared by the channels of one test and changed while it runs. */
  public static final class Faults {
    /** Bytes still written before writes fail; negative: writes never fail. */
    public volatile long writeFailsAfter = -1;

    public volatile boolean forceFails;
    public volatile boolean truncateFails;

    public void heal() {
      writeFailsAfter = -1;
      forceFails = false;
      truncateFails = false;
    }
  }

  private final FileChannel real;
  private final Faults faults;

  public FaultyFileChannel(FileChannel real, Faults faults) {
    this.real = real;
    this.faults = faults;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    long budget = faults.writeFailsAfter;
    if (budget < 0) {
      return real.write(src);
    }
    if (budget == 0) {
      throw new IOException("No space left on device");
    }
    int n = (int) Math.min(budget, src.remaining());
    int written = real.write(src.slice(src.position(), n));
    src.position(src.position() + written);
    faults.writeFailsAfter = budget - written;
    return written;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.forceFails) {
      throw new IOException("Input/output error");
    }
    real.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.truncateFails) {
      throw new IOException("Input/output error");
    }
    real.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return real.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return real.read(dsts, offset, length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new IOException("gathering writes are not faked");
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    throw new IOException("transfers into the file are not faked");
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    throw new IOException("positional writes are not faked");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
