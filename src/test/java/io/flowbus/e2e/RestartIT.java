package io.flowbus.e2e;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.Runs.awaitEnded;
import static io.flowbus.testing.TaskClassBuilder.aTask;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
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
  /** Job {@code steps}: 16 tasks, each appending its number to {@code ran.log}. */
  private static DefinitionsBuilder jobs() {
    return aDefinitions()
        .task(
            aTask("gen")
                .shell(
                    "i=0; printf '[' > spawn.json; while [ $i -lt 16 ]; do"
                        + " [ $i -gt 0 ] && printf ',' >> spawn.json;"
                        + " printf '{\"n\": \"%s\"}' $i >> spawn.json; i=$((i+1)); done;"
                        + " printf ']' >> spawn.json"))
        .task(aTask("step").shell("sleep 0.6; echo \"$1\" >> ran.log", "{n}").parameter("n"))
        .job(aJob("steps").spawnStage("steps", "gen", "step").jobFailedOnError(true));
  }

  @TempDir Path work;

  @Test
  void aRunKilledMidwayResumesAfterARestartWithoutRerunningFinishedTasks() throws Exception {
    Path definitions = jobs().writeTo(work.resolve("jobs.yaml"));
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
      id = Runs.create(http, "/api/jobs/steps/runs");
      String more = jobs().job(aJob("extra").stage("one", "gen")).yaml();
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
      assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");

      List<String> ran = Files.readAllLines(work.resolve("data/runs/" + id + "/ran.log"));
      assertThat(Set.copyOf(ran)).hasSize(16);
      for (String n : finishedBeforeKill) {
        assertThat(ran.stream().filter(n::equals).count()).as("task %s ran once", n).isEqualTo(1);
        assertThat(Runs.task(http, id, "s0-t" + n).getInteger("attempts")).isEqualTo(1);
      }
      second.terminate();
      second.waitFor(Duration.ofSeconds(60));
    }
  }

  private static Set<String> succeeded(Http http, String id) {
    return Runs.tasks(http, id, "state=SUCCEEDED").stream()
        .map(t -> t.getString("id"))
        .filter(t -> !t.endsWith("spawn"))
        .collect(Collectors.toSet());
  }
}
