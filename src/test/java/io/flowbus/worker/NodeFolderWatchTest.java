package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep is due only when a node folder came or went, or a node seen living died. */
class NodeFolderWatchTest {
  @TempDir Path shared;

  private SessionRecords records;
  private NodeFolderWatch watch;

  @BeforeEach
  void setUp() throws IOException {
    records = SessionRecords.open(shared); // this node's own folder, which a sweep leaves alone
    watch = new NodeFolderWatch(shared);
  }

  @AfterEach
  void tearDown() {
    records.close();
  }

  @Test
  void beforeAnySweepOneIsDue() {
    assertThat(watch.sweepDue()).isTrue();
  }

  @Test
  void noSweepIsDueWhileTheSharedFolderStaysAsItWas() throws IOException {
    settle();
    watch.swept(watch.beforeSweep());

    assertThat(watch.sweepDue()).isFalse();
    assertThat(watch.sweepDue()).isFalse();
  }

  @Test
  void aFolderMadeSinceTheSweepMakesOneDue() throws IOException {
    settle();
    watch.swept(watch.beforeSweep());

    Files.createDirectories(shared.resolve("node-1-made-since"));

    assertThat(watch.sweepDue()).isTrue();
  }

  @Test
  void aFolderOfANodeThatDiedSinceTheSweepMakesOneDue() throws IOException {
    // a folder with its lock free: as a node leaves it when it dies
    Path other = Files.createDirectories(shared.resolve("node-1-other"));
    Files.writeString(other.resolve(SessionFolder.LOCK), "");
    settle();
    watch.swept(watch.beforeSweep());

    assertThat(watch.sweepDue()).isTrue();
  }

  @Test
  void aStateChangedMomentsAgoIsNotTrusted() throws IOException {
    Files.createDirectories(shared.resolve("node-1-just-made"));
    Files.delete(shared.resolve("node-1-just-made"));

    watch.swept(watch.beforeSweep());

    assertThat(watch.sweepDue()).as("a folder made in the same clock tick would not show").isTrue();
  }

  private void settle() throws IOException {
    Files.setLastModifiedTime(shared, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
  }
}
