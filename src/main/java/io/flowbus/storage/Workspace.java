package io.flowbus.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Path-safe access to one run's workspace: nothing outside it can be named or reached. */
public final class Workspace {
  private final Path root;

  public Workspace(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Creates the workspace if it is missing. With an owner ({@code uid} and {@code gid}, the user
   * tasks run as) it is given to that user, so that tasks can write in it while everything else on
   * the volume stays the engine's; -1 keeps the engine's user.
   */
  public void create(int uid, int gid) throws IOException {
    if (!Files.isDirectory(root)) { // createDirectories throws and catches on one that exists
      Files.createDirectories(root);
    }
    if (uid < 0
        || ((Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
            && (Integer) Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS) == gid)) {
      return;
    }
    Files.setAttribute(root, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(root, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** A file of the workspace listing. */
  public record Entry(String path, long size, Instant modifiedAt) {}

  /**
   * Resolves a path given by a user. Absolute paths, {@code ..} segments and links that lead out of
   * the workspace are refused with {@link OutsideWorkspaceException}.
   */
  public Path resolve(String relative) throws IOException {
    if (relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.startsWith("/")) {
      throw new OutsideWorkspaceException(relative);
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.equals("..")) {
        throw new OutsideWorkspaceException(relative);
      }
    }
    Path candidate = root.resolve(relative).normalize();
    if (!candidate.startsWith(root)) {
      throw new OutsideWorkspaceException(relative);
    }
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(relative);
    }
    Path real = candidate.toRealPath();
    if (!real.startsWith(root.toRealPath())) {
      throw new OutsideWorkspaceException(relative);
    }
    return real;
  }

  /** Every regular file below the workspace, sorted by path; links are not followed. */
  public List<Entry> list() throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return entries;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              entries.add(
                  new Entry(relative(file), attrs.size(), attrs.lastModifiedTime().toInstant()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE; // a file removed while listing is simply not listed
          }
        });
    entries.sort((a, b) -> a.path().compareTo(b.path()));
    return entries;
  }

  /**
   * The path below the root with '/' between its parts; a name is kept as it is, even if it holds a
   * backslash.
   */
  private String relative(Path file) {
    StringJoiner path = new StringJoiner("/");
    root.relativize(file).forEach(part -> path.add(part.toString()));
    return path.toString();
  }

  /** A path that names something outside the workspace. */
  public static final class OutsideWorkspaceException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutsideWorkspaceException(String path) {
      super("the path '" + path + "' leaves the run's workspace");
    }
  }
}
