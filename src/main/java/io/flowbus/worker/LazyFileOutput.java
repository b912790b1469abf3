package io.flowbus.worker;

import io.flowbus.storage.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A log file made at the first byte written to it: a task that writes nothing leaves no file (two
 * files fewer per silent task, on the volume and in its folder). A file that cannot be made fails
 * that write, as a file that cannot take the bytes would.
 */
final class LazyFileOutput extends OutputStream {
  private final Path file;
  private OutputStream out;

  LazyFileOutput(Path file) {
    this.file = file;
  }

  private OutputStream out() throws IOException {
    if (out == null) {
      Path folder = file.getParent();
      if (folder != null) {
        // not Files.createDirectories: it throws and catches two exceptions for each missing
        // folder, six for a run's first log; its logs are private, as everything below meta/ is
        PrivateFiles.createDirectories(folder);
      }
      out = new BufferedOutputStream(Files.newOutputStream(file));
    }
    return out;
  }

  @Override
  public void write(int b) throws IOException {
    out().write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len > 0) {
      out().write(b, off, len);
    }
  }

  @Override
  public void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
