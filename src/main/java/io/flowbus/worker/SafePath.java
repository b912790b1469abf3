package io.flowbus.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Whether a folder is one that only this user and root can change, all the way from {@code /}, so
 * that a file made there by name is made where the name says (as root, too). Each folder on the way
 * belongs to root or to this user and is writable by no one else, unless it is sticky (as {@code
 * /tmp}), where others may add entries but not move or replace those of root or this user; a
 * symbolic link on the given way must be root's or this user's too, so that no one else picks where
 * it leads. Both the way as given and the real one are checked.
 */
final class SafePath {
  /** The file type bits of a mode, and those of a folder and of a symbolic link (inode(7)). */
  static final int S_IFMT = 0170000;

  static final int S_IFDIR = 0040000;
  static final int S_IFLNK = 0120000;

  /** The sticky bit. */
  private static final int S_ISVTX = 01000;

  private SafePath() {}

  /**
   * Throws, naming the place and why, unless neither {@code dir} as given (a link on the way must
   * be root's or this user's) nor its real path can be changed by others; answers the real path.
   */
  static Path check(Path dir) throws IOException {
    walk(dir.toAbsolutePath().normalize(), true);
    Path real = dir.toRealPath();
    walk(real, false);
    return real;
  }

  private static void walk(Path absolute, boolean linksAllowed) throws IOException {
    Path at = absolute.getRoot();
    checkEntry(at, true, linksAllowed);
    for (Path name : absolute) {
      at = at.resolve(name);
      checkEntry(at, !at.equals(absolute), linksAllowed);
    }
  }

  private static void checkEntry(Path at, boolean stickyAllowed, boolean linksAllowed)
      throws IOException {
    // one look-up for all of it: owner, type and permission bits
    Map<String, Object> a =
        Files.readAttributes(at, "unix:uid,mode,permissions", LinkOption.NOFOLLOW_LINKS);
    int owner = (Integer) a.get("uid");
    int mode = (Integer) a.get("mode");
    boolean ours = owner == 0 || owner == TaskUser.ownUid();
    if ((mode & S_IFMT) == S_IFLNK) {
      if (!linksAllowed || !ours) {
        throw new IOException(at + " is a symbolic link of uid " + owner);
      }
      return;
    }
    @SuppressWarnings("unchecked")
    Set<PosixFilePermission> perms = (Set<PosixFilePermission>) a.get("permissions");
    boolean sticky = stickyAllowed && (mode & S_ISVTX) != 0;
    if ((mode & S_IFMT) != S_IFDIR || !ours || (writableByOthers(perms) && !sticky)) {
      throw new IOException(
          at
              + " may be changed by others than root and this user (uid "
              + TaskUser.ownUid()
              + "): it is uid "
              + owner
              + ", "
              + PosixFilePermissions.toString(perms));
    }
  }

  private static boolean writableByOthers(Set<PosixFilePermission> perms) {
    return perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE);
  }
}
