package io.flowbus.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example definitions built into the jar, with their commands and book, copied to the data
 * directory so that {@code java -jar flowbus.jar} runs them with nothing else present.
 */
public final class EmbeddedExample {
  public static final String DEFINITIONS = "task_job_config.yaml";

  private EmbeddedExample() {}

  /** Copies the example to {@code target} (replacing an older copy) and returns its definitions. */
  public static Path extract(Path target) throws IOException {
    var url = EmbeddedExample.class.getResource("/example/" + DEFINITIONS);
    if (url == null) {
      throw new IOException("this build has no example definitions inside");
    }
    try {
      if (url.getProtocol().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of())) {
          copy(jar.getPath("/example"), target);
        }
      } else {
        copy(Path.of(url.toURI()).getParent(), target);
      }
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the built-in example", e);
    }
    return target.resolve(DEFINITIONS);
  }

  private static void copy(Path source, Path target) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Path to = target.resolve(source.relativize(file).toString());
      Files.createDirectories(to.getParent());
      try (InputStream in = Files.newInputStream(file)) {
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
      }
      if (to.getParent().getFileName().toString().equals("bin")) {
        to.toFile().setExecutable(true, false);
      }
    }
  }
}
