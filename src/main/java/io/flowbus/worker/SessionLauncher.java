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
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code flowbus-session}, the program a task starts through to lead a session of its own, in place
 * of util-linux {@code setsid} where the node can run it (x86_64 Linux). It does what {@code
 * setsid} does for a child of the JVM, setsid() then an exec in place, without libc and the dynamic
 * loader: {@code setsid} then {@code true} cost about as much again as {@code true} alone, the
 * launcher next to nothing. Its instructions are {@code src/main/native/flowbus-session-x86_64.s},
 * which says what it does and how it fails; {@link #image()} wraps them in a minimal ELF
 * executable. With {@code -u} ({@link #isolating}) it also puts the task in PID and mount
 * namespaces of its own, under an init, as another user: what util-linux {@code unshare}, a shell
 * init and {@code setpriv} did, in place of them.
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
      "b8700000000f054885c00f88fc0000004c8b34244c8d7c24084a8d6cf4104983fe020f82f2000000498b4708"
          + "6681382d75750a807802000f845d010000498d77084889f34c8b2e4c89ef4889eab83b0000000f054883f8f8"
          + "7519488d3d0005000048897bf8488d73f84889eab83b0000000f054989c449f7dc488d35fb040000ba230000"
          + "00e8bb0000004c89ee31d2803c1600740548ffc2ebf5e8a6000000bb7e0000004983fc027517bb7f000000eb"
          + "104989c449f7dce889000000bb7e000000488d35d6040000ba08000000e8730000004883ec20488d7c241fc6"
          + "070a4c89e0b90a00000031d248f7f180c23048ffcf88174885c075ee4889fe488d5424204829fae83d000000"
          + "89dfeb32488d3593040000ba32000000eb1a488d35b7040000ba22000000eb0c488d35cb040000ba43000000"
          + "e80c000000bf7e000000b83c0000000f05bf02000000b8010000000f05c331c031c90fb61683ea3083fa0977"
          + "13486bc00a4801d048ffc6ffc183f90a77b6ebe285c974b0bafeffffff4839d077a60fb61685d2740583fa2c"
          + "759ac3e8beffffff803e00758fc34983fe070f8276ffffff4881ec80040000498b7710e8dbffffff85c00f84"
          + "6cffffff890424498b7718e8c7ffffff85c00f8458ffffff89442404498b7728e8b2ffffff4869c040420f00"
          + "4889442460498b772031db803e00742481fb000100000f8328ffffffe84dffffff89849c80000000ffc3803e"
          + "00740548ffc6ebdc48895c240848c74424380240010048c74424180000000048c74424200000000048c74424"
          + "280000000048c74424300000000048c74424500000000048c744245800000000bf00000220b8100100000f05"
          + "488d35ce030000ba400000004885c00f8834feffff31ffe874020000e855000000b8390000000f05488d35e6"
          + "030000ba1c0000004885c00f880cfeffff746b4889c34889df488d74241031d24531d2b83d0000000f054883"
          + "f8fc74e6488d35ce030000ba2a0000004885c00f88d8fdffffe998010000bf02000000e815000000bf0f0000"
          + "00e80b000000bf11000000e801000000c3488d74242831d241ba08000000b80d0000000f05c3488d3d500200"
          + "00488d354e02000031d241ba004004004531c0b8a50000000f05488d358a030000ba3b0000004885c00f886a"
          + "fdffff488d3d22020000488d35200200004889fa41ba0e0000004531c0b8a50000000f05488d358f030000ba"
          + "230000004885c00f8834fdffff488d542450e8860100004883f80f744e4885c07febb8390000000f05488d35"
          + "dd020000ba1c0000004885c00f8803fdffff0f84e00000004989c44531ede863010000780974224c39e075f2"
          + "eb30488d35c8020000ba2a000000e9d6fcffffbf8f000000e959fdffff31d2e8210100004883f80f75c841bd"
          + "01000000ebc08b5c24104585ed751348c7c7ffffffffbe0f000000b83e0000000f05e8260100004803442460"
          + "4989c6e8fa0000007ff948c7c7ffffffff31f6b83e0000000f054885c07533e8fd0000004c89f14829c17e26"
          + "b800e1f5054839c1480f47c848c74424500000000048894c2458488d542450e89d000000ebb1895c24108b44"
          + "241089c783e77f740b81c780000000e9b2fcffff0fb6fce9aafcffffbf01000000e85a000000488b7c240848"
          + "8db42480000000b8740000000f054885c078308b7c240489fe89fab8770000000f054885c0781c8b3c2489fe"
          + "89fab8750000000f054885c07809498d7730e95afbffff488d3533020000ba31000000e9b9fbffff488d7424"
          + "4031d241ba08000000b80e0000000f05c3488d7c244031f641ba08000000b8800000000f05c348c7c7ffffff"
          + "ff488d742418ba010000004531d2b83d0000000f054885c0c3bf01000000488d742448b8e40000000f054869"
          + "44244800ca9a3b4803442450c32f62696e2f7368006e6f6e65002f0070726f63002f70726f6300666c6f7762"
          + "75732d73657373696f6e3a206661696c656420746f2065786563757465203a206572726e6f20666c6f776275"
          + "732d73657373696f6e3a2063616e6e6f74206d616b6520612073657373696f6e206f6620697473206f776e0a"
          + "666c6f776275732d73657373696f6e3a206e6f2070726f6772616d20676976656e0a666c6f776275732d7365"
          + "7373696f6e3a202d752074616b657320554944204749442047524f5550532047524143455f4d532050524f47"
          + "52414d205b4152472e2e2e5d0a666c6f776275732d73657373696f6e3a2063616e6e6f74206d616b65205049"
          + "4420616e64206d6f756e74206e616d65737061636573206f6620697473206f776e666c6f776275732d736573"
          + "73696f6e3a2063616e6e6f7420666f726b666c6f776275732d73657373696f6e3a2063616e6e6f7420776169"
          + "7420666f7220697473206368696c64666c6f776275732d73657373696f6e3a2063616e6e6f74206d616b6520"
          + "746865206e616d6573706163652773206d6f756e74732070726976617465666c6f776275732d73657373696f"
          + "6e3a2063616e6e6f74206d6f756e74202f70726f63666c6f776275732d73657373696f6e3a2063616e6e6f74"
          + "2073776974636820746f20746865207461736b27732075736572";

  /** The most supplementary groups that {@code -u} takes (its stack holds them). */
  static final int MAX_GROUPS = 256;

  private static final long BASE = 0x400000;
  private static final int ELF_HEADER = 64;
  private static final int PROGRAM_HEADER = 56;

  /** The file type bits of a regular file (inode(7)). */
  private static final int S_IFREG = 0100000;

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

  /**
   * The argv prefix that runs a program as {@code user} (with its supplementary {@code groups}) in
   * a session and PID and mount namespaces of its own, with the init's {@code grace} for what the
   * task leaves behind: {@code flowbus-session -u UID GID GROUPS GRACE_MS}.
   */
  List<String> isolating(TaskUser user, List<Integer> groups, Duration grace) throws IOException {
    if (groups.size() > MAX_GROUPS) {
      throw new IOException(
          "user '"
              + user.name()
              + "' has "
              + groups.size()
              + " groups, flowbus-session takes at most "
              + MAX_GROUPS);
    }
    StringJoiner list = new StringJoiner(",");
    groups.forEach(g -> list.add(Integer.toUnsignedString(g)));
    return List.of(
        exec.toString(),
        "-u",
        Integer.toUnsignedString(user.uid()),
        Integer.toUnsignedString(user.gid()),
        list.toString(),
        Long.toString(grace.toMillis()));
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
