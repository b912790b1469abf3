package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Sessions;
import io.flowbus.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a node leaves its tasks' processes running; the node, restarted on the same host
 * (local directory), stops them before it runs anything, so the attempt given up never runs beside
 * its replacement.
 */
class CrashLeftoversIT {
  /** Attempt 1 leaves a background child and runs long; every attempt notes who else still runs. */
  private static final String SCRIPT =
      """
      #!/bin/sh
      echo "start $FLOWBUS_ATTEMPT" >> starts.txt
      # the state in /proc/<pid>/stat: a zombie (Z) has ended, it only waits to be reaped
      if [ -f bg.pid ] && state=$(cut -d' ' -f3 "/proc/$(cat bg.pid)/stat" 2>/dev/null) \
          && [ "$state" != Z ]; then
        echo "overlap $FLOWBUS_ATTEMPT" >> starts.txt
      fi
      if [ "$FLOWBUS_ATTEMPT" = 1 ]; then
        sleep 171 &
        echo $! > bg.pid
        sleep 300
      fi
      """;

  private static final String JOBS =
      """
      tasks:
        long: {exec_command: leftover.sh}
      jobs:
        long:
          stages: [{name: one, task_class: long}]
      """;

  private static final String CLUSTER = TestNodes.uniqueClusterName();

  @TempDir Path work;

  @Test
  void aRestartedNodeStopsWhatItsCrashedLifeLeftBeforeRunningAnything() throws Exception {
    Path local = work.resolve("local");
    List<String> args = withSlots(argsFor(local), "1");
    int port = TestNodes.freePort();
    long sid = -1;
    try {
      String id;
      Path runDir;
      try (JarNode first = JarNode.start(work, port, args, Map.of()).awaitReady()) {
        id = first.http().post("/api/jobs/long/runs").json().getString("id");
        runDir = work.resolve("data/runs/" + id);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(runDir.resolve("bg.pid")));
        sid = recordedSession(local);
        first.crash();
      }
      long child = Long.parseLong(Files.readString(runDir.resolve("bg.pid")).strip());
      assertThat(Sessions.members(sid))
          .as("the crash left the attempt's processes running")
          .contains(sid, child);

      try (JarNode second = JarNode.start(work, port, args, Map.of())) {
        long crashed = sid;
        await()
            .atMost(Duration.ofSeconds(60))
            .failFast(
                () -> {
                  if (!second.isAlive()) {
                    throw new AssertionError("the node exited:\n" + second.output());
                  }
                })
            .until(() -> second.output().contains("processes left running by nodes of this host"));
        assertThat(Sessions.members(crashed)).as("left by the crashed node").isEmpty();
        assertThat(second.output())
            .contains("stopped 3 processes left running by nodes of this host that ended");
        second.awaitReady();
        Http http = second.http();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> "SUCCEEDED".equals(http.get("/api/runs/" + id).json().getString("state")));
        assertThat(Files.readAllLines(runDir.resolve("starts.txt")))
            .as("the second attempt never saw the first one's child")
            .containsExactly("start 1", "start 2");
        assertThat(Sessions.members(crashed)).isEmpty();
        second.terminate();
        second.waitFor(Duration.ofSeconds(60));
      }
    } finally {
      if (sid > 0) {
        Sessions.kill(sid);
      }
    }
  }

  @Test
  void onTwoNodesOfOneHostTheSurvivorRunsTheTaskAgainOnlyOnceTheDeadNodesAttemptIsStopped()
      throws Exception {
    List<String> args = argsFor(work.resolve("local"));
    long child = -1;
    // the task goes to the worker with the most free slots: the second node's
    try (JarNode survivor =
            JarNode.start(work, TestNodes.freePort(), withSlots(args, "1"), Map.of()).awaitReady();
        JarNode dying = startWorker(args, "2")) {
      Http http = survivor.http();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> http.get("/api/cluster").json().getJsonArray("nodes").size() == 2);
      String id = http.post("/api/jobs/long/runs").json().getString("id");
      Path runDir = work.resolve("data/runs/" + id);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(runDir.resolve("bg.pid")));
      child = Long.parseLong(Files.readString(runDir.resolve("bg.pid")).strip());
      dying.crash();

      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> "SUCCEEDED".equals(http.get("/api/runs/" + id).json().getString("state")));
      assertThat(Files.readAllLines(runDir.resolve("starts.txt")))
          .as("the attempt on the survivor never saw the dead node's child")
          .containsExactly("start 1", "start 2");
      assertThat(survivor.output()).contains("processes left running by nodes of this host");
    } finally {
      if (child > 0) {
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private JarNode startWorker(List<String> args, String slots) {
    List<String> workerArgs = new ArrayList<>(withSlots(args, slots));
    workerArgs.addAll(List.of("--roles", "worker"));
    return JarNode.start(work, TestNodes.freePort(), workerArgs, Map.of()).awaitReady();
  }

  private static List<String> withSlots(List<String> args, String slots) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--slots", slots));
    return all;
  }

  /** One node's arguments: the long job, the data and local directories shared by the host. */
  private List<String> argsFor(Path local) throws Exception {
    Path bin = Files.createDirectories(work.resolve("bin"));
    Files.writeString(bin.resolve("leftover.sh"), SCRIPT);
    Files.setPosixFilePermissions(
        bin.resolve("leftover.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(work.resolve("jobs.yaml"), JOBS);
    return List.of(
        "--config", work.resolve("jobs.yaml").toString(),
        "--data-dir", work.resolve("data").toString(),
        "--bin-dir", bin.toString(),
        "--local-dir", local.toString(),
        "--cluster-name", CLUSTER);
  }

  /** The one session the node recorded in its folder of the local directory, named by the sid. */
  private static long recordedSession(Path local) throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> list(local).size() == 1 && sessionsOf(local).size() == 1);
    String[] record = sessionsOf(local).get(0).split(" ");
    assertThat(record).hasSize(4);
    return Long.parseLong(record[1]);
  }

  /** The sessions the node's log records as started and not yet ended: "+ sid start boot". */
  private static List<String> sessionsOf(Path local) throws Exception {
    Path log = list(local).get(0).resolve("sessions.log");
    if (!Files.exists(log)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(log);
    return lines.stream()
        .filter(line -> line.startsWith("+ "))
        .filter(line -> !lines.contains("- " + line.split(" ")[1]))
        .toList();
  }

  private static List<Path> list(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      // the node folders (node-PID-UUID), not the bin folder that holds flowbus-session
      return files.filter(f -> f.getFileName().toString().startsWith("node-")).toList();
    }
  }
}
