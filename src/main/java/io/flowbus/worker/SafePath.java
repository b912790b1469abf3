package io.flowbus.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whether a folder is one that only this user and root can change, all the way from {@code /}: a
 * program kept there and run by path (as root, too) cannot be swapped by anyone else. Each folder
 * on the way is a real folder (no symbolic link), belongs to root or to this user, and is writable
 * by no one else, unless it is sticky (as {@code /tmp}), where others may add entries but not move
 * or replace those of root or this user.
 */
final class SafePath {
  private SafePath() {}

  /** Throws, naming the folder and why, unless {@code dir} and every folder above are safe. */
  static void check(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Path at = absolute.getRoot();
    checkFolder(at, true);
    for (Path name : absolute) {
      at = at.resolve(name);
      checkFolder(at, !at.equals(absolute));
    }
  }

  /** Throws unless {@code dir} is a real folder of this user's that no one else may write. */
  static void checkOwn(Path dir) throws IOException {
    PosixFileAttributes a = attributes(dir);
    if (uid(dir) != TaskUser.ownUid() || writableByOthers(a.permissions())) {
      throw new IOException(
          dir
              + " must be this user's (uid "
              + TaskUser.ownUid()
              + ") and writable by no one"
              + " else; it is uid "
              + uid(dir)
              + ", "
              + PosixFilePermissions.toString(a.permissions()));
    }
  }

  private static void checkFolder(Path dir, boolean stickyAllowed) throws IOException {
    PosixFileAttributes a = attributes(dir);
    int owner = uid(dir);
    Set<PosixFilePermission> perms = a.permissions();
    boolean sticky = stickyAllowed && sticky(dir);
    if ((owner != 0 && owner != TaskUser.ownUid()) || (writableByOthers(perms) && !sticky)) {
      throw new IOException(
          dir
              + " may be changed by others than root and this user (uid "
              + TaskUser.ownUid()
              + "): it is uid "
              + owner
              + ", "
              + PosixFilePermissions.toString(perms));
    }
  }

  private static PosixFileAttributes attributes(Path dir) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink() || !a.isDirectory()) {
      throw new IOException(dir + " is " + (a.isSymbolicLink() ? "a symbolic link" : "no folder"));
    }
    return a;
  }

  private static int uid(Path dir) throws IOException {
    return (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean sticky(Path dir) throws IOException {
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 01000) != 0;
  }

  private static boolean writableByOthers(Set<PosixFilePermission> perms) {
    return perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
  }
}
