package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.OnContext;
import io.flowbus.testing.SettableClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates with an {@code Idempotency-Key} through the orchestrator's real parts, on a real journal
 * whose writes stall or fail on demand.
 */
class IdempotentCreateTest {
  private static final String YAML =
      """
      tasks: {t: {exec_command: t}}
      jobs:
        j:
          input:
            n: {source: parameter}
            auth: {source: http-header, key: Authorization, default: none}
          stages: [{name: a, task_class: t}]
        other: {stages: [{name: a, task_class: t}]}
      """;
  private static final String SECRET = "Bearer s3cret-t0ken";

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final JournalWriter writer = new JournalWriter(false);
  private final SettableClock clock = new SettableClock();
  private volatile Predicate<RunEvent> failing = e -> false;
  private RunStore store;
  private Runs runs;
  private IdempotencyKeys keys;
  private RunWrites writes;

  @BeforeEach
  void setUp() throws Exception {
    store = new RunStore(new DataLayout(data), writer);
    WritesWiring wiring =
        WritesWiring.of(
            vertx,
            context,
            clock,
            store,
            new FaultyEventStore(writer, store, () -> failing),
            YAML,
            data);
    runs = wiring.runs();
    keys = wiring.keys();
    writes = wiring.writes();
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
  }

  @Test
  void theSameKeyAnswersTheFirstRunAndCreatesNothing() throws Exception {
    JsonObject first = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    JsonObject again = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));

    assertThat(first.getBoolean("created")).isTrue();
    assertThat(again.getBoolean("created")).isFalse();
    assertThat(id(again)).isEqualTo(id(first));
    assertThat(onContext(runs::size)).isEqualTo(1);
  }

  @Test
  void theSameKeyWithOtherInputsOrAnotherSecretIsA422() throws Exception {
    JsonObject first = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));

    for (CreateRun other :
        List.of(create("j", "K", "2", SECRET), create("j", "K", "1", "Bearer another"))) {
      Throwable failure = failureOf(onContext(() -> answer(other)));
      assertThat(failure).isInstanceOf(ProblemException.class).hasMessageContaining(id(first));
      assertThat(((ProblemException) failure).status()).isEqualTo(422);
    }
    assertThat(onContext(runs::size)).isEqualTo(1);
  }

  @Test
  void theSameKeyForAnotherJobIsAnotherKey() throws Exception {
    JsonObject first = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    JsonObject other =
        succeeds(() -> writes.create(new CreateRun("other", Map.of(), Map.of(), true, "K")));

    assertThat(other.getBoolean("created")).isTrue();
    assertThat(id(other)).isNotEqualTo(id(first));
  }

  @Test
  void aSecondRequestWhileTheFirstIsBeingWrittenGetsTheFirstRun() throws Exception {
    CountDownLatch gate = stallJournal();
    Future<JsonObject> first = onContext(() -> writes.create(create("j", "K", "1", SECRET)));
    await().until(() -> onContext(keys::size) == 1); // decided, not yet durable
    Future<JsonObject> second = onContext(() -> writes.create(create("j", "K", "1", SECRET)));

    assertThat(first.isComplete()).isFalse();
    assertThat(second.isComplete()).isFalse();
    gate.countDown();

    await().until(() -> first.succeeded() && second.succeeded());
    assertThat(second.result().getBoolean("created")).isFalse();
    assertThat(id(second.result())).isEqualTo(id(first.result()));
    assertThat(onContext(runs::size)).isEqualTo(1);
  }

  @Test
  void aCreationThatCannotBeWrittenFreesItsKey() throws Exception {
    failing = e -> e instanceof RunEvent.Created;
    assertThat(failureOf(onContext(() -> writes.create(create("j", "K", "1", SECRET)))))
        .isInstanceOf(NotWritten.class);
    assertThat(onContext(keys::size)).isZero();

    failing = e -> false;
    JsonObject again = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    assertThat(again.getBoolean("created")).isTrue();
    assertThat(onContext(runs::size)).isEqualTo(1);
  }

  @Test
  void aRequestWaitingOnACreationThatIsUndoneCreatesTheRunItself() throws Exception {
    failing = e -> e instanceof RunEvent.Created;
    CountDownLatch gate = stallJournal();
    Future<JsonObject> first = onContext(() -> writes.create(create("j", "K", "1", SECRET)));
    await().until(() -> onContext(keys::size) == 1);
    Future<JsonObject> second = onContext(() -> writes.create(create("j", "K", "1", SECRET)));
    failing = e -> false; // the disk has room again by the time the second one writes

    gate.countDown();

    assertThat(failureOf(first)).isInstanceOf(NotWritten.class);
    await().until(second::isComplete);
    assertThat(second.succeeded()).as("%s", second.cause()).isTrue();
    assertThat(second.result().getBoolean("created")).isTrue();
    assertThat(onContext(() -> runs.contains(id(second.result())))).isTrue();
    assertThat(onContext(() -> keys.find("j", "K").runId())).isEqualTo(id(second.result()));
  }

  @Test
  void theJournalKeepsTheKeyAndAFingerprintButNoSecretAndReplayGivesTheKeyBack() throws Exception {
    JsonObject first = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    String id = id(first);

    String journal = Files.readString(new DataLayout(data).journal(id));
    assertThat(journal)
        .contains("\"key\":\"K\"")
        .contains("\"fingerprint\":\"")
        .doesNotContain(SECRET)
        .as("keyed: no plain hash of the inputs")
        .doesNotContain(RequestFingerprint.unkeyed(create("j", "K", "1", SECRET)));

    List<Run> loaded = store.loadAll();
    IdempotencyKeys rebuilt = new IdempotencyKeys(clock);
    loaded.forEach(rebuilt::index);
    assertThat(rebuilt.find("j", "K").runId()).isEqualTo(id);
    assertThat(rebuilt.find("j", "K").fingerprint())
        .isEqualTo(onContext(() -> keys.find("j", "K").fingerprint()));
  }

  @Test
  void aRunJournaledWithAnUnkeyedFingerprintBeforeIsStillAnsweredForItsKey() throws Exception {
    CreateRun request = create("j", "K", "1", SECRET);
    JsonObject first = succeeds(() -> writes.create(request));
    String id = id(first);
    // as a journal of an earlier version gives it back: a plain SHA-256 of the request
    onContext(
        () -> {
          keys.put(
              "j",
              new Idempotency("K", RequestFingerprint.unkeyed(request)),
              id,
              runs.get(id).createdAt());
          return null;
        });

    JsonObject again = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    Throwable other = failureOf(onContext(() -> answer(create("j", "K", "2", SECRET))));

    assertThat(again.getBoolean("created")).isFalse();
    assertThat(id(again)).isEqualTo(id);
    assertThat(((ProblemException) other).status()).isEqualTo(422);
  }

  @Test
  void aDeletedRunFreesItsKey() throws Exception {
    JsonObject first = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    String id = id(first);
    succeeds(() -> writes.cancel(new io.flowbus.cluster.OrchestratorRequest.CancelRun(id)));
    succeeds(() -> writes.delete(new io.flowbus.cluster.OrchestratorRequest.DeleteRun(id)));

    JsonObject again = succeeds(() -> writes.create(create("j", "K", "1", SECRET)));
    assertThat(again.getBoolean("created")).isTrue();
    assertThat(id(again)).isNotEqualTo(id);
  }

  /** As the endpoint answers: a problem thrown at once fails the answer. */
  private Future<JsonObject> answer(CreateRun request) {
    try {
      return writes.create(request);
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
  }

  private static CreateRun create(String job, String key, String n, String auth) {
    return new CreateRun(job, Map.of("n", n), Map.of("authorization", auth), true, key);
  }

  private static String id(JsonObject answer) {
    return answer.getJsonObject("run").getString("id");
  }

  /** The journal stalls, as on a slow disk, until the latch is counted down. */
  private CountDownLatch stallJournal() {
    CountDownLatch gate = new CountDownLatch(1);
    writer.execute(
        null,
        () -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return gate;
  }

  private <T> T succeeds(Callable<Future<T>> step) throws Exception {
    return OnContext.succeeds(context, step);
  }

  private static Throwable failureOf(Future<?> future) {
    return OnContext.failureOf(future);
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }
}
