package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.TaskAssignment;
import io.flowbus.config.Role;
import io.flowbus.model.TaskKind;
import io.flowbus.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker node (no orchestrator in its cluster) sent batches of assignments on the event bus, as
 * the orchestrator sends them: each is answered in its place, and what it takes runs once.
 */
class WorkerAssignmentsIT {
  @TempDir Path data;
  @TempDir Path marks;

  @Test
  void eachAssignmentOfABatchIsAnsweredInItsPlaceAndWhatIsTakenRunsOnce() throws Exception {
    try (TestCluster cluster =
        new TestCluster(
            Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath(), data)) {
      Node node = cluster.start(Set.of(Role.WORKER), 2);
      TaskAssignment first = counting("s0-t0", 1);
      TaskAssignment second = counting("s0-t1", 1);

      // two slots: the third is refused as the batch fills them
      assertThat(statuses(node, first, second, counting("s0-t2", 1)))
          .containsExactly(200, 200, 429);
      // sent again (its answer was lost, say): taken again, not run again; another attempt: 409
      assertThat(statuses(node, first, counting("s0-t1", 2))).containsExactly(200, 409);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> Files.exists(marks.resolve("s0-t0")) && Files.exists(marks.resolve("s0-t1")));
      // had one been started twice, a second line would come within moments
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> lines("s0-t0") == 1 && lines("s0-t1") == 1);
      assertThat(marks.resolve("s0-t2")).doesNotExist();
    }
  }

  private long lines(String taskId) throws Exception {
    return Files.readAllLines(marks.resolve(taskId)).size();
  }

  /** The answers' statuses to the batch, sent as the orchestrator sends it. */
  private static List<Integer> statuses(Node node, TaskAssignment... batch) throws Exception {
    AssignmentBatch.Answers answers =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions() // until the worker's address is known across the cluster
            .until(
                () ->
                    node.vertx()
                        .eventBus()
                        .<AssignmentBatch.Answers>request(
                            Addresses.workerTasks(node.nodeId()),
                            new AssignmentBatch(List.of(batch)))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)
                        .body(),
                a -> true);
    return answers.answers().stream().map(AssignmentBatch.Answer::status).toList();
  }

  /** An attempt whose command writes one line to a file named after its task, then runs on. */
  private TaskAssignment counting(String taskId, int attempt) {
    return new TaskAssignment(
        "run-batch",
        taskId,
        attempt,
        0,
        taskId.charAt(taskId.length() - 1) - '0',
        TaskKind.TASK,
        "sh",
        List.of("-c", "echo ran >> \"$0\"; exec sleep 3", marks.resolve(taskId).toString()),
        Map.of(),
        List.of(),
        List.of(),
        0);
  }
}
