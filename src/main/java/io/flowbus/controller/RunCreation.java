package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Idempotency;
import io.flowbus.model.JobDef;
import io.flowbus.model.Run;
import io.flowbus.model.RunPlan;
import io.flowbus.model.Trigger;
import io.flowbus.storage.RunStore;
import io.flowbus.storage.SecretBox;
import io.flowbus.views.RunViews;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates runs: checks the job and its inputs, keeps the definitions the run is planned from, and
 * answers a request whose {@code Idempotency-Key} was seen before with the run it created.
 */
final class RunCreation {
  private static final Logger LOG = LoggerFactory.getLogger(RunCreation.class);

  private final Context context;
  private final DefinitionsStore definitions;
  private final Runs runs;
  private final RunStore store;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;
  private final RunIds ids;
  private final IdempotencyKeys keys;
  private final Set<String> archived = new HashSet<>();

  RunCreation(
      Context context,
      DefinitionsStore definitions,
      Runs runs,
      RunStore store,
      DurableEffects durable,
      RunCoordinator coordinator,
      RunIds ids,
      IdempotencyKeys keys) {
    this.context = context;
    this.definitions = definitions;
    this.runs = runs;
    this.store = store;
    this.durable = durable;
    this.coordinator = coordinator;
    this.ids = ids;
    this.keys = keys;
  }

  /**
   * Answers {@code {"created": true|false, "run": {...}}}: false when the request's idempotency key
   * was used for this job in the last 24 hours, and then the run is the one that request created.
   */
  Future<JsonObject> create(CreateRun request) {
    return create(request, null);
  }

  /** A run a schedule starts ({@code trigger}), or one asked for over the API (null). */
  Future<JsonObject> create(CreateRun request, Trigger trigger) {
    DefinitionsStore.Version version = definitions.current();
    JobDef job =
        version
            .definitions()
            .job(request.job())
            .orElseThrow(
                () ->
                    new ProblemException(
                        404, "Job not found", "no job has the id '" + request.job() + "'"));
    if (request.idempotencyKey() == null) {
      return create(request, trigger, version, job, null);
    }
    return idempotency(request)
        .compose(idempotency -> create(request, trigger, version, job, idempotency));
  }

  /**
   * The request's key and fingerprint: at once once the secrets key is at hand, else read on a
   * worker thread first (not behind the context's other blocking work).
   */
  private Future<Idempotency> idempotency(CreateRun request) {
    SecretBox box = store.secretBox();
    if (box.keyLoaded()) {
      try {
        return Future.succeededFuture(
            new Idempotency(request.idempotencyKey(), RequestFingerprint.of(request, box)));
      } catch (IOException e) {
        return Future.failedFuture(keyNotReadable(e));
      }
    }
    return context
        .owner()
        .executeBlocking(
            () -> new Idempotency(request.idempotencyKey(), RequestFingerprint.of(request, box)),
            false)
        .recover(e -> Future.failedFuture(keyNotReadable(e)));
  }

  private static ProblemException keyNotReadable(Throwable e) {
    LOG.error("cannot fingerprint a request with an Idempotency-Key: {}", e.toString());
    return new ProblemException(
        503, "Secrets key not readable", "the engine's secrets key cannot be read or made");
  }

  private Future<JsonObject> create(
      CreateRun request,
      Trigger trigger,
      DefinitionsStore.Version version,
      JobDef job,
      Idempotency idempotency) {
    IdempotencyKeys.Entry earlier = earlier(request, idempotency);
    if (earlier != null) {
      return replay(earlier, request, trigger);
    }
    RunRequests.Inputs inputs = RunRequests.resolve(job, request.params(), request.headers());
    RunPlan plan = RunPlan.of(version.definitions(), job, version.version());
    return archive(version)
        .recover(
            e ->
                Future.failedFuture(
                    new ProblemException(
                        503, "Journal not writable", "cannot keep the definitions: " + e)))
        .compose(
            v -> {
              // looked up again: another request with the key may have come meanwhile
              IdempotencyKeys.Entry raced = earlier(request, idempotency);
              return raced != null
                  ? replay(raced, request, trigger)
                  : created(request, plan, inputs, idempotency, trigger);
            });
  }

  private Future<JsonObject> created(
      CreateRun request,
      RunPlan plan,
      RunRequests.Inputs inputs,
      Idempotency idempotency,
      Trigger trigger) {
    String runId = ids.next();
    return durable
        .step(
            () -> {
              Run run =
                  coordinator.create(
                      runId, plan, inputs.values(), inputs.secrets(), idempotency, trigger);
              if (idempotency != null) {
                keys.put(request.job(), idempotency, runId, run.createdAt());
              }
              if (request.start()) {
                coordinator.start(run);
              }
              return createAnswer(true, RunViews.run(run));
            })
        .onFailure(
            e -> {
              if (!runs.contains(runId)) {
                keys.forget(runId); // its creation was undone: the key is free again
              }
            });
  }

  /** The run created earlier with the request's key; a 422 if it was asked with other inputs. */
  private IdempotencyKeys.Entry earlier(CreateRun request, Idempotency idempotency) {
    if (idempotency == null) {
      return null;
    }
    IdempotencyKeys.Entry entry = keys.find(request.job(), idempotency.key());
    if (entry != null
        && !entry.fingerprint().equals(idempotency.fingerprint())
        && !entry.fingerprint().equals(RequestFingerprint.unkeyed(request))) {
      throw reused(request, entry.runId());
    }
    return entry;
  }

  /** Answers with the run once its creation is durable; creates anew if it was undone. */
  private Future<JsonObject> replay(
      IdempotencyKeys.Entry earlier, CreateRun request, Trigger trigger) {
    return durable
        .settled(earlier.runId())
        .compose(
            v -> {
              Run run = runs.get(earlier.runId());
              if (run == null) {
                keys.forget(earlier.runId());
                return create(request, trigger);
              }
              if (!RequestFingerprint.sameSecrets(run, request)) {
                throw reused(request, run.id());
              }
              return Future.succeededFuture(createAnswer(false, RunViews.run(run)));
            });
  }

  private static ProblemException reused(CreateRun request, String runId) {
    return new ProblemException(
        422,
        "Idempotency key reused",
        "the Idempotency-Key was used for run "
            + runId
            + " of job '"
            + request.job()
            + "' with other inputs; use a new key for a new run");
  }

  private static JsonObject createAnswer(boolean created, JsonObject run) {
    return new JsonObject().put("created", created).put("run", run);
  }

  /** The definitions a run was planned from are kept beside the journals, once per version. */
  private Future<Void> archive(DefinitionsStore.Version version) {
    if (archived.contains(version.version())) {
      return Future.succeededFuture();
    }
    return context
        .owner()
        .<Void>executeBlocking(
            () -> {
              store.archiveDefinitions(version.version(), version.text());
              return null;
            })
        .onSuccess(v -> archived.add(version.version()));
  }
}
