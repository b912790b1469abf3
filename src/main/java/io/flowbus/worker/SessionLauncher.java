package io.flowbus.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>It is written at start to {@code <local-dir>/bin} (a folder of the node's user that no one
 * else may write, since as root it runs before the switch to the task user), and used once a trial
 * run of it has shown that it works here.
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

  private SessionLauncher() {}

  /** Whether this JVM's host can run the launcher (x86_64 Linux). */
  static boolean supported() {
    String arch = System.getProperty("os.arch", "");
    return System.getProperty("os.name", "").equals("Linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * The executable: an ELF header, one program header that loads the whole file read-only and
   * executable, then the code, which starts right after the headers.
   */
  static byte[] image() {
    byte[] code = HexFormat.of().parseHex(CODE_X86_64);
    int size = ELF_HEADER + PROGRAM_HEADER + code.length;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0); // 64-bit, little-endian, SysV
    elf.putShort((short) 2).putShort((short) 0x3e).putInt(1); // executable, x86-64, version 1
    elf.putLong(BASE + ELF_HEADER + PROGRAM_HEADER).putLong(ELF_HEADER).putLong(0); // entry, ph, sh
    elf.putInt(0).putShort((short) ELF_HEADER).putShort((short) PROGRAM_HEADER);
    elf.putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    elf.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE); // PT_LOAD, R+X, from offset 0
    elf.putLong(size).putLong(size).putLong(0x1000);
    elf.put(code);
    return elf.array();
  }

  /**
   * Writes the launcher to {@code localDir}'s {@code bin} folder, unless the same file is there
   * already, and tries it. Throws, saying why, when it cannot be used here: then tasks start
   * through {@code setsid}.
   */
  static Path install(Path localDir) throws IOException {
    if (!supported()) {
      throw new IOException("it is built for x86_64 Linux only, this is " + platform());
    }
    Path bin = ownFolder(ownFolder(localDir).resolve("bin"));
    Path launcher = bin.resolve(NAME);
    byte[] image = image();
    if (!Files.isRegularFile(launcher) || !java.util.Arrays.equals(readAll(launcher), image)) {
      Path next = Files.createTempFile(bin, NAME, ".next", mode("rwx------"));
      Files.write(next, image);
      Files.move(
          next, launcher, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
    tryOut(launcher);
    return launcher;
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

  /**
   * {@code dir}, made if needed (mode 0700); it must belong to this user and be writable by no one
   * else, since what it holds runs as this user (as root, too).
   */
  private static Path ownFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, mode("rwx------"));
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid");
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
    if (owner != TaskUser.ownUid()
        || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(
          dir
              + " must belong to this user (uid "
              + TaskUser.ownUid()
              + ") and be writable by"
              + " no one else; it is uid "
              + owner
              + ", "
              + PosixFilePermissions.toString(perms));
    }
    return dir;
  }

  private static byte[] readAll(Path file) throws IOException {
    return Files.size(file) > 64 * 1024 ? new byte[0] : Files.readAllBytes(file);
  }

  private static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> mode(String m) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(m));
  }

  private static String platform() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
