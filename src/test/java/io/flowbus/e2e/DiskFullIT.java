package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.testing.FileTrees;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node whose data directory is on a small tmpfs that is filled up: nothing it cannot journal
 * happens, and it goes on by itself once space returns. Tasks count their executions in files
 * outside the tmpfs.
 */
class DiskFullIT {
  private static final int TASKS = 40;
  private static Path root;
  private static Path data;
  private static boolean mounted;

  @BeforeAll
  static void mountSmallVolume() throws Exception {
    root = Files.createTempDirectory("flowbus-diskfull-");
    data = Files.createDirectories(root.resolve("data"));
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", data.toString())
            .redirectErrorStream(true)
            .start();
    mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here");
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      new ProcessBuilder("umount", "-l", data.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
    FileTrees.delete(root);
  }

  @Test
  void nothingHappensThatCannotBeJournaledAndTheNodeGoesOnWhenSpaceReturns() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside"));
    Path definitions = root.resolve("jobs.yaml");
    Files.writeString(definitions, jobs(outside));
    Node node = TestNodes.startAlone(definitions.toString(), data, TASKS + 8, null);
    try {
      Http http = TestNodes.http(node);
      String fan = http.post("/api/jobs/fan/runs").json().getString("id");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> running(http, fan) == TASKS); // every task dispatched and journaled

      Path filler = fill(data.resolve("filler"));
      Http.Response refused = http.post("/api/jobs/one/runs");
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(refused.json().getString("detail"))
          .contains("the journal cannot be written")
          .contains("No space left on device");
      assertThat(runIds(http)).containsExactly(fan);

      // the tasks end while the volume is full: their results cannot be journaled
      Files.writeString(outside.resolve("go"), "");
      Path count = outside.resolve("count.txt");
      await().atMost(Duration.ofSeconds(30)).until(() -> lines(count).size() == TASKS);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> "RUNNING".equals(state(http, fan)));
      assertThat(ended(fan)).hasSizeLessThan(TASKS + 1); // the spawn task's end is journaled too
      assertThat(outside.resolve("one.txt")).as("nothing of the refused run ran").doesNotExist();

      Files.delete(filler); // space returns: results sent again are applied, once each
      await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(state(http, fan)));
      assertThat(lines(count)).hasSize(TASKS).doesNotHaveDuplicates();
      assertThat(ended(fan)).hasSize(TASKS + 1).doesNotHaveDuplicates();

      Http.Response created = http.post("/api/jobs/one/runs");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String one = created.json().getString("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(state(http, one)));
      assertThat(lines(outside.resolve("one.txt"))).hasSize(1);
      assertThat(runIds(http)).containsExactlyInAnyOrder(fan, one);
    } finally {
      node.stopAndWait();
    }
  }

  private static String jobs(Path outside) {
    String go = outside.resolve("go").toAbsolutePath().toString();
    String count = outside.resolve("count.txt").toAbsolutePath().toString();
    String one = outside.resolve("one.txt").toAbsolutePath().toString();
    return """
        tasks:
          gen:
            exec_command: sh
            exec_args: [-c, "i=0; printf '[' > spawn.json; while [ $i -lt %d ]; do [ $i -gt 0 ] && printf ',' >> spawn.json; printf '{\\"n\\": \\"%%s\\"}' $i >> spawn.json; i=$((i+1)); done; printf ']' >> spawn.json"]
          wait:
            exec_command: sh
            exec_args: [-c, "while [ ! -e '%s' ]; do sleep 0.1; done; echo \\"$1\\" >> '%s'", wait, "{n}"]
            input: {n: {source: parameter}}
          mark:
            exec_command: sh
            exec_args: [-c, "echo ran >> '%s'"]
        jobs:
          fan:
            stages: [{name: all, spawn_task: gen, task_class: wait}]
          one:
            stages: [{name: one, task_class: mark}]
        """
        .formatted(TASKS, go, count, one);
  }

  /** Fills the volume up to its last page. */
  private static Path fill(Path filler) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int size = chunk.length; size >= 512; size /= 2) {
        try {
          while (true) {
            out.write(chunk, 0, size);
            out.flush();
          }
        } catch (IOException full) {
          // the volume is full at this size: try smaller pieces
        }
      }
    } catch (IOException alreadyFull) {
      // closing flushes nothing more
    }
    return filler;
  }

  private static long running(Http http, String run) {
    return http.get("/api/runs/" + run + "/tasks?state=RUNNING&limit=1000")
        .json()
        .getJsonArray("items")
        .size();
  }

  private static String state(Http http, String run) {
    return http.get("/api/runs/" + run).json().getString("state");
  }

  private static List<String> runIds(Http http) {
    return http.get("/api/runs").json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("id"))
        .toList();
  }

  /** The tasks whose end the run's journal holds, one entry per journaled end. */
  private static List<String> ended(String run) throws IOException {
    Pattern task = Pattern.compile("\"task\":\"([^\"]+)\"");
    return Files.readAllLines(data.resolve("meta").resolve(run).resolve("journal.jsonl")).stream()
        .filter(l -> l.contains("\"type\":\"task_ended\""))
        .map(task::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .toList();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
