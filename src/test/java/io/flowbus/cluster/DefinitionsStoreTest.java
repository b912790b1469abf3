package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.TaskClassBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replacements on one node: what it keeps on the shared volume, and what it holds. */
class DefinitionsStoreTest {
  @TempDir Path dir;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();

  @Test
  void twoNodesWritingAtOnceNeverFailNorMixTheirTexts() throws Exception {
    Path path = dir.resolve("definitions").resolve("current.yaml");
    String one = "a".repeat(100_000);
    String other = "b".repeat(90_000);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (String text : List.of(one, other)) {
      DefinitionsFile file = new DefinitionsFile(path);
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 200; i++) {
                  try {
                    file.write(text);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
              }));
    }

    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(Files.readString(path)).isIn(one, other);
    try (var left = Files.list(path.getParent())) {
      assertThat(left).containsExactly(path);
    }
  }

  @Test
  void aReplacementWrittenAfterALaterOnesWriteLeavesTheLaterOneOnDisk() throws Exception {
    Path path = dir.resolve("current.yaml");
    String first = definitions("first");
    DefinitionsStore store =
        new DefinitionsStore(vertx, DefinitionsLoader.parse(first, "test"), first, path);
    await(store.join());
    String later = definitions("later");
    // another node's replacement took generation 2 and wrote its file before this node's write
    await(
        vertx
            .sharedData()
            .<String, JsonObject>getAsyncMap(DefinitionsStore.MAP)
            .compose(
                m ->
                    m.put(
                        DefinitionsStore.KEY,
                        new JsonObject()
                            .put("generation", 2L)
                            .put("version", DefinitionsEntry.versionOf(later))
                            .put("text", later))));

    await(store.keepLatest(1, definitions("earlier")));

    assertThat(Files.readString(path)).isEqualTo(later);
  }

  @Test
  void aReplacementAfterTheMapLostItsEntryIsInForceOnTheNodeThatTookIt() throws Exception {
    Path path = dir.resolve("current.yaml");
    String first = definitions("first");
    DefinitionsStore store =
        new DefinitionsStore(vertx, DefinitionsLoader.parse(first, "test"), first, path);
    await(store.join());
    await(store.replace(definitions("second"), "test"));
    // the cluster lost the entry (two members gone at once) or a merge put back an earlier one
    await(
        vertx
            .sharedData()
            .<String, JsonObject>getAsyncMap(DefinitionsStore.MAP)
            .compose(m -> m.remove(DefinitionsStore.KEY)));

    String third = definitions("third");
    await(store.replace(third, "test"));

    assertThat(store.current().text()).isEqualTo(third);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String definitions(String job) {
    return DefinitionsBuilder.aDefinitions()
        .task(TaskClassBuilder.aTask("quick").command("true"))
        .job(JobBuilder.aJob(job).stage("one", "quick"))
        .yaml();
  }
}
