package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State survives a kill -9 of the whole engine: runs resume, finished tasks do not run again. */
class RestartIT {
  private static final String JOBS =
      """
      tasks:
        gen:
          exec_command: sh
          exec_args: [-c, "i=0; printf '[' > spawn.json; while [ $i -lt 16 ]; do [ $i -gt 0 ] && printf ',' >> spawn.json; printf '{\\"n\\": \\"%s\\"}' $i >> spawn.json; i=$((i+1)); done; printf ']' >> spawn.json"]
        step:
          exec_command: sh
          exec_args: [-c, "sleep 0.6; echo \\"$1\\" >> ran.log", step, "{n}"]
          input: {n: {source: parameter}}
      jobs:
        steps:
          stages:
            - {name: steps, spawn_task: gen, task_class: step, job_failed_on_error: true}
      """;

  @TempDir Path work;

  @Test
  void aRunKilledMidwayResumesAfterARestartWithoutRerunningFinishedTasks() throws Exception {
    Path definitions = work.resolve("jobs.yaml");
    Files.writeString(definitions, JOBS);
    String cluster = TestNodes.uniqueClusterName();
    int port = TestNodes.freePort();
    List<String> args =
        List.of(
            "--config",
            definitions.toString(),
            "--data-dir",
            work.resolve("data").toString(),
            "--cluster-name",
            cluster,
            "--slots",
            "2");

    String id;
    Set<String> finishedBeforeKill;
    try (JarNode first = JarNode.start(work, port, args, Map.of()).awaitReady()) {
      Http http = first.http();
      id = http.post("/api/jobs/steps/runs").json().getString("id");
      String more = JOBS + "  extra:\n    stages: [{name: one, task_class: gen}]\n";
      assertThat(http.put("/api/definitions", more, "application/yaml").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(http, id).size() >= 5);
      first.kill();
      // only a success in the journal is final: a task killed after its output may run again
      finishedBeforeKill =
          JournalEvents.succeededTasks(work.resolve("data"), id).stream()
              .map(t -> t.substring("s0-t".length()))
              .collect(Collectors.toSet());
    }
    assertThat(finishedBeforeKill).hasSizeGreaterThanOrEqualTo(5);

    try (JarNode second = JarNode.start(work, port, args, Map.of()).awaitReady()) {
      Http http = second.http();
      assertThat(http.get("/api/runs/" + id).status()).isEqualTo(200);
      assertThat(http.get("/api/jobs/extra").status())
          .as("definitions put over REST survive")
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> "SUCCEEDED".equals(http.get("/api/runs/" + id).json().getString("state")));

      List<String> ran = Files.readAllLines(work.resolve("data/runs/" + id + "/ran.log"));
      assertThat(Set.copyOf(ran)).hasSize(16);
      for (String n : finishedBeforeKill) {
        assertThat(ran.stream().filter(n::equals).count()).as("task %s ran once", n).isEqualTo(1);
        JsonObject task = http.get("/api/runs/" + id + "/tasks/s0-t" + n).json();
        assertThat(task.getInteger("attempts")).isEqualTo(1);
      }
      second.terminate();
      second.waitFor(Duration.ofSeconds(60));
    }
  }

  private static Set<String> succeeded(Http http, String id) {
    return http
        .get("/api/runs/" + id + "/tasks?state=SUCCEEDED&limit=1000")
        .json()
        .getJsonArray("items")
        .stream()
        .map(t -> ((JsonObject) t).getString("id"))
        .filter(t -> !t.endsWith("spawn"))
        .collect(Collectors.toSet());
  }
}
