package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar against a crash that tears the journal's last line and against journals damaged on
 * disk: no finished task runs again, no run is lost, a damaged run is shown and can be deleted.
 */
class JournalFaultsIT {
  private static final int TASKS = 16;
  private static final int SLOTS = 2;
  private static final String JOBS =
      """
      tasks:
        gen: {exec_command: gen}
        count:
          exec_command: count
          exec_args: ["{n}"]
          input: {n: {source: parameter}}
        once: {exec_command: count, exec_args: [once]}
      jobs:
        fan:
          stages:
            - {name: fan, spawn_task: gen, task_class: count, job_failed_on_error: true}
        small:
          stages:
            - {name: a, task_class: once}
            - {name: b, task_class: once}
      """;
  private static final String GEN =
      """
      #!/bin/sh
      i=0; printf '[' > spawn.json
      while [ $i -lt %d ]; do
        [ $i -gt 0 ] && printf ',' >> spawn.json
        printf '{"n": "%%s"}' $i >> spawn.json
        i=$((i+1))
      done
      printf ']' >> spawn.json
      """
          .formatted(TASKS);

  /** Each execution of a task adds its index to count.txt, then takes a while. */
  private static final String COUNT =
      """
      #!/bin/sh
      echo "$1" >> count.txt
      sleep 0.6
      """;

  @TempDir Path work;
  private List<String> args;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    Path definitions = work.resolve("jobs.yaml");
    Files.writeString(definitions, JOBS);
    script("gen", GEN);
    script("count", COUNT);
    port = TestNodes.freePort();
    args =
        List.of(
            "--config",
            definitions.toString(),
            "--data-dir",
            work.resolve("data").toString(),
            "--cluster-name",
            TestNodes.uniqueClusterName(),
            "--slots",
            String.valueOf(SLOTS));
  }

  @Test
  void killsThatTearTheJournalNeverRunAFinishedTaskAgain() throws Exception {
    String id = null;
    Map<String, Long> countWhenJournaled = new HashMap<>();
    int kills = 0;
    for (int round = 0; round < 3; round++) {
      try (JarNode node = start()) {
        Http http = node.http();
        if (id == null) {
          id = http.post("/api/jobs/fan/runs").json().getString("id");
        }
        String run = id;
        int before = succeeded(http, run);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> succeeded(http, run) >= Math.min(TASKS, before + 2));
        node.kill();
        kills++;
      }
      cutTail(journal(id), 9);
      Map<String, Long> counts = counts(id);
      for (String n : journaledSuccesses(id)) {
        countWhenJournaled.putIfAbsent(n, counts.get(n));
      }
    }
    assertThat(countWhenJournaled).as("successes journaled before the kills").isNotEmpty();

    try (JarNode node = start()) {
      String run = id;
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> "SUCCEEDED".equals(state(node.http(), run)));
      node.terminate();
      node.waitFor(Duration.ofSeconds(60));
    }
    try (JarNode node = start()) {
      assertThat(state(node.http(), id))
          .as("stays ended after a clean restart")
          .isEqualTo("SUCCEEDED");
      node.terminate();
      node.waitFor(Duration.ofSeconds(60));
    }

    List<JsonObject> events = events(id);
    Map<String, Long> ended =
        events.stream()
            .filter(e -> "task_ended".equals(e.getString("type")))
            .filter(e -> "SUCCEEDED".equals(e.getString("outcome")))
            .filter(e -> !e.getString("task").endsWith("spawn"))
            .collect(Collectors.groupingBy(e -> e.getString("task"), Collectors.counting()));
    assertThat(ended)
        .as("one success per task")
        .hasSize(TASKS)
        .allSatisfy((t, n) -> assertThat(n).isOne());
    assertThat(events.stream().filter(e -> "ended".equals(e.getString("type")))).hasSize(1);

    Map<String, Long> counts = counts(id);
    assertThat(counts).as("every task ran").hasSize(TASKS);
    countWhenJournaled.forEach(
        (n, count) ->
            assertThat(counts.get(n))
                .as("task %s ran again after its success was journaled", n)
                .isEqualTo(count));
    long dispatched =
        events.stream()
            .filter(e -> "task_dispatched".equals(e.getString("type")))
            .filter(e -> !e.getString("task").endsWith("spawn"))
            .count();
    long executions = counts.values().stream().mapToLong(Long::longValue).sum();
    // An execution the journal does not hold is one whose dispatch line was cut, or one that a
    // worker had started when its node died before the answer was journaled (an attempt counts
    // once the worker takes it; a kill right after a success meets the next one on its way).
    // Either ended with its node: the restarted node stops what its earlier life left running.
    assertThat(executions)
        .as("executions: journaled attempts plus, per kill, the cut line and what was on its way")
        .isLessThanOrEqualTo(dispatched + kills * (1 + SLOTS));
  }

  @Test
  void damagedJournalsAreShownNeverResumedAndDeletable() throws Exception {
    String corruptMiddle;
    String corruptFirst;
    try (JarNode node = start()) {
      Http http = node.http();
      corruptMiddle = http.post("/api/jobs/small/runs").json().getString("id");
      corruptFirst = http.post("/api/jobs/small/runs").json().getString("id");
      for (String run : List.of(corruptMiddle, corruptFirst)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(state(http, run)));
      }
      node.terminate();
      node.waitFor(Duration.ofSeconds(60));
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(journal(corruptMiddle)));
    int garbage = lines.size() / 2;
    lines.add(garbage, "this is no journal line");
    Files.write(journal(corruptMiddle), lines);
    byte[] first = Files.readAllBytes(journal(corruptFirst));
    first[2] = (byte) (first[2] == '0' ? '1' : '0');
    Files.write(journal(corruptFirst), first);
    long executions = Files.readAllLines(workspace(corruptMiddle).resolve("count.txt")).size();

    try (JarNode node = start()) {
      Http http = node.http();
      JsonObject middle = http.get("/api/runs/" + corruptMiddle).json();
      assertThat(middle.getString("state")).isEqualTo("DAMAGED");
      assertThat(middle.getString("job")).isEqualTo("small");
      assertThat(middle.getString("error"))
          .isEqualTo(
              "journal line %d is corrupt: not a journal line (23 characters starting 'this is no journal line')"
                  .formatted(garbage + 1));
      JsonObject firstView = http.get("/api/runs/" + corruptFirst).json();
      assertThat(firstView.getString("state")).isEqualTo("DAMAGED");
      assertThat(firstView.getString("job")).isNull();
      assertThat(firstView.getString("error")).startsWith("journal line 1 is corrupt: checksum");
      assertThat(
              http.get("/api/runs?state=DAMAGED").json().getJsonArray("items").stream()
                  .map(r -> ((JsonObject) r).getString("id")))
          .containsExactlyInAnyOrder(corruptMiddle, corruptFirst);
      assertThat(http.post("/api/runs/" + corruptMiddle + "/cancel").status()).isEqualTo(409);
      assertThat(Files.readAllLines(journal(corruptMiddle)))
          .as("nothing appended")
          .isEqualTo(lines);
      assertThat(Files.readAllLines(workspace(corruptMiddle).resolve("count.txt")))
          .as("nothing ran again")
          .hasSize((int) executions);

      for (String run : List.of(corruptMiddle, corruptFirst)) {
        assertThat(http.delete("/api/runs/" + run).status()).isEqualTo(204);
        assertThat(http.get("/api/runs/" + run).status()).isEqualTo(404);
        assertThat(journal(run).getParent()).doesNotExist();
        assertThat(workspace(run)).doesNotExist();
      }
      node.terminate();
      node.waitFor(Duration.ofSeconds(60));
    }
  }

  private JarNode start() {
    return JarNode.start(work, port, args, Map.of()).awaitReady();
  }

  private void script(String name, String text) throws Exception {
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path file = bin.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path dataDir() {
    return work.resolve("data");
  }

  private Path journal(String run) {
    return JournalEvents.journal(dataDir(), run);
  }

  private Path workspace(String run) {
    return work.resolve("data/runs/" + run);
  }

  private static String state(Http http, String run) {
    return http.get("/api/runs/" + run).json().getString("state");
  }

  private static int succeeded(Http http, String run) {
    return http.get("/api/runs/" + run)
        .json()
        .getJsonArray("stages")
        .getJsonObject(0)
        .getJsonObject("tasks")
        .getInteger("succeeded");
  }

  /** Cuts the last bytes of the file, as a crash in the middle of a write leaves it. */
  private static void cutTail(Path file, int bytes) throws Exception {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - bytes);
    }
  }

  private List<JsonObject> events(String run) throws Exception {
    return JournalEvents.of(dataDir(), run);
  }

  private List<String> journaledSuccesses(String run) throws Exception {
    return JournalEvents.succeededTasks(dataDir(), run).stream()
        .map(t -> t.substring("s0-t".length()))
        .toList();
  }

  /** How often each task index ran, from count.txt. */
  private Map<String, Long> counts(String run) throws Exception {
    Path file = workspace(run).resolve("count.txt");
    if (!Files.exists(file)) {
      return Map.of();
    }
    return Files.readAllLines(file).stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
