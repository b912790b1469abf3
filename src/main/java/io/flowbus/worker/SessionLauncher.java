package io.flowbus.worker;

import io.flowbus.storage.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flowbus-session}, the program a task starts through to lead a session of its own, in place
 * of util-linux {@code setsid} where the node can run it (x86_64 Linux). It does what {@code
 * setsid} does for a child of the JVM, setsid() then an exec in place, without libc and the dynamic
 * loader: {@code setsid} then {@code true} cost about as much again as {@code true} alone, the
 * launcher next to nothing. Its instructions are {@code src/main/native/flowbus-session-x86_64.s},
 * which says what it does and how it fails; {@link #image()} wraps them in a minimal ELF
 * executable.
 *
 * <p>The node writes it at start to a file of its own in the local dir (one that only root and the
 * node's user can change, see {@link SafePath}), opens it, and removes the name: tasks execute it
 * through the open descriptor ({@code /proc/<node pid>/fd/<n>}), which no one can swap, and a
 * cleaner of {@code /tmp} cannot take away. Before the first use the node checks what it holds (its
 * own file, writable by no one else, the image byte for byte) and tries it once: as root, the node
 * runs it as root for every task.
 */
final class SessionLauncher {
  static final String NAME = "flowbus-session";

  /** The machine code of {@code flowbus-session-x86_64.s}, as {@code src/main/native/assemble}. */
  static final String CODE_X86_64 =
      "b8700000000f054885c00f88cd000000488b0c244883f9020f82cd000000488d742410488d54cc104c8b2e4c89"
          + "efb83b0000000f054883f8f87518488d3dd300000048897c2408488d742408b83b0000000f054989c449f7"
          + "dc488d35bd000000ba23000000e89e0000004c89ee31d2803c1600740548ffc2ebf5e889000000488d35ba"
          + "000000ba08000000e8780000004883ec20488d7c241fc6070a4c89e0b90a00000031d248f7f180c23048ff"
          + "cf88174885c075ee4889fe488d5424204829fae842000000bf7e0000004983fc027505bf7f000000b83c00"
          + "00000f05488d3564000000ba32000000eb0c488d3588000000ba22000000e80c000000bf7e000000b83c00"
          + "00000f05bf02000000b8010000000f05c32f62696e2f736800666c6f776275732d73657373696f6e3a2066"
          + "61696c656420746f2065786563757465203a206572726e6f20666c6f776275732d73657373696f6e3a2063"
          + "616e6e6f74206d616b6520612073657373696f6e206f6620697473206f776e0a666c6f776275732d736573"
          + "73696f6e3a206e6f2070726f6772616d20676976656e0a";

  private static final long BASE = 0x400000;
  private static final int ELF_HEADER = 64;
  private static final int PROGRAM_HEADER = 56;

  /** "flowbus-session: failed to execute PROGRAM: errno N", as the launcher says it. */
  /** The file type bits of a regular file (inode(7)). */
  private static final int S_IFREG = 0100000;

  private static final Pattern ERRNO = Pattern.compile("errno (\\d+)");

  /** What Linux calls the errors an exec can end with (errno(3)). */
  private static final Map<Integer, String> EXEC_ERRORS =
      Map.ofEntries(
          Map.entry(1, "Operation not permitted"),
          Map.entry(2, "No such file or directory"),
          Map.entry(5, "Input/output error"),
          Map.entry(7, "Argument list too long"),
          Map.entry(8, "Exec format error"),
          Map.entry(12, "Cannot allocate memory"),
          Map.entry(13, "Permission denied"),
          Map.entry(14, "Bad address"),
          Map.entry(20, "Not a directory"),
          Map.entry(21, "Is a directory"),
          Map.entry(22, "Invalid argument"),
          Map.entry(23, "Too many open files in system"),
          Map.entry(24, "Too many open files"),
          Map.entry(26, "Text file busy"),
          Map.entry(36, "File name too long"),
          Map.entry(40, "Too many levels of symbolic links"),
          Map.entry(80, "Accessing a corrupted shared library"));

  /** The descriptor that tasks execute, open while this object lives (its cleaner closes it). */
  private final FileChannel held;

  private final Path exec;

  private SessionLauncher(FileChannel held, Path exec) {
    this.held = held;
    this.exec = exec;
  }

  /** The path to execute: the node's open descriptor of the launcher, in {@code /proc}. */
  Path exec() {
    return exec;
  }

  /** Whether this JVM's host can run the launcher (x86_64 Linux). */
  static boolean supported() {
    String arch = System.getProperty("os.arch", "");
    return System.getProperty("os.name", "").equals("Linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * The executable: an ELF header; a program header that loads the whole file read-only and
   * executable, and one that asks for a stack that is not; then the code.
   */
  static byte[] image() {
    byte[] code = HexFormat.of().parseHex(CODE_X86_64);
    int headers = ELF_HEADER + 2 * PROGRAM_HEADER;
    int size = headers + code.length;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0); // 64-bit, little-endian, SysV
    elf.putShort((short) 2).putShort((short) 0x3e).putInt(1); // executable, x86-64, version 1
    elf.putLong(BASE + headers)
        .putLong(ELF_HEADER)
        .putLong(0); // entry, program headers, no sections
    elf.putInt(0).putShort((short) ELF_HEADER).putShort((short) PROGRAM_HEADER);
    elf.putShort((short) 2).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    elf.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE); // PT_LOAD, R+X, from offset 0
    elf.putLong(size).putLong(size).putLong(0x1000);
    elf.putInt(0x6474e551).putInt(6).putLong(0).putLong(0).putLong(0); // PT_GNU_STACK, R+W
    elf.putLong(0).putLong(0).putLong(16);
    elf.put(code);
    return elf.array();
  }

  /**
   * Writes the launcher to a new file in {@code dir}, holds it open, removes the name and tries it.
   * Throws, saying why, when it cannot be used here: then tasks start through {@code setsid}.
   */
  static SessionLauncher install(Path dir) throws IOException {
    if (!supported()) {
      throw new IOException("it is built for x86_64 Linux only, this is " + platform());
    }
    PrivateFiles.createDirectories(dir);
    // a folder no one else can change, so that the name below leads where it says; and its real
    // path, as /proc/self/fd shows where the descriptors lead
    Path file = SafePath.check(dir).resolve("." + NAME + "-" + UUID.randomUUID());
    FileChannel held = null;
    try {
      // a new file, never one that a link or another user put there, written and opened again
      // for reading through the descriptor that made it, never by its name; the writing one is
      // then closed (a file open for writing cannot be executed)
      try (FileChannel out =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              mode("rwx------"))) {
        ByteBuffer image = ByteBuffer.wrap(image());
        while (image.hasRemaining()) {
          out.write(image);
        }
        held =
            FileChannel.open(Path.of("/proc/self/fd", descriptor(file)), StandardOpenOption.READ);
      }
      Path exec = Path.of("/proc", procPid(), "fd", descriptor(file));
      Files.delete(file);
      check(exec);
      tryOut(exec);
      return new SessionLauncher(held, exec);
    } catch (IOException | RuntimeException e) {
      if (held != null) {
        held.close();
      }
      throw e;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Throws unless {@code exec} is this user's regular file, writable by no one else, and holds the
   * image: in a folder that others may write, the name could have been given to another file
   * between the write and the open.
   */
  static void check(Path exec) throws IOException {
    Map<String, Object> a = Files.readAttributes(exec, "unix:uid,mode");
    int owner = (Integer) a.get("uid");
    int mode = (Integer) a.get("mode");
    if ((mode & SafePath.S_IFMT) != S_IFREG || owner != TaskUser.ownUid() || (mode & 0022) != 0) {
      throw new IOException(
          "the file held is not this user's alone (uid "
              + owner
              + ", mode "
              + Integer.toOctalString(mode & 07777)
              + ")");
    }
    if (!Arrays.equals(Files.readAllBytes(exec), image())) {
      throw new IOException("the file held is not the launcher written");
    }
  }

  /**
   * This JVM's pid as {@code /proc} names it, which a child started by it sees too (where the JVM
   * runs in a PID namespace under a {@code /proc} of the host's, its own pid would name another).
   */
  private static String procPid() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/self")).toString();
  }

  /** The number of this JVM's one open descriptor of {@code file}, from {@code /proc/self/fd}. */
  private static String descriptor(Path file) throws IOException {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(file.toAbsolutePath())) {
            return fd.getFileName().toString();
          }
        } catch (IOException e) {
          // closed meanwhile (the descriptor of this very listing, say)
        }
      }
    }
    throw new IOException("no open descriptor of " + file + " in /proc/self/fd");
  }

  /**
   * Why the launcher could not execute its program, from its message ("errno 13"), in the words of
   * Linux ("Permission denied"); the text as it is when it is no such message.
   */
  static String reason(String said) {
    Matcher m = ERRNO.matcher(said);
    if (!m.matches()) {
      return said;
    }
    String known = EXEC_ERRORS.get(Integer.parseInt(m.group(1)));
    return known != null ? known : said;
  }

  /** Runs {@code /bin/sh}, which must find itself the leader of its session and exit 7. */
  private static void tryOut(Path launcher) throws IOException {
    String check = "read -r s < /proc/$$/stat; set -- ${s##*) }; [ \"$4\" = $$ ] && exit 7";
    Process p =
        new ProcessBuilder(List.of(launcher.toString(), "/bin/sh", "-c", check))
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("a trial run of " + launcher + " did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while trying " + launcher, e);
    }
    String said = new String(p.getInputStream().readNBytes(500)).strip();
    if (p.exitValue() != 7) {
      throw new IOException(
          "a trial run of "
              + launcher
              + " exited "
              + p.exitValue()
              + (said.isEmpty() ? "" : ": ")
              + said);
    }
  }

  private static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> mode(String m) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(m));
  }

  private static String platform() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
