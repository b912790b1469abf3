package io.flowbus.testing;

import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.RunEvents.T0;
import static io.flowbus.testing.RunEvents.dispatched;
import static io.flowbus.testing.RunEvents.failed;
import static io.flowbus.testing.RunEvents.failedRetryAt;
import static io.flowbus.testing.RunEvents.spawned;
import static io.flowbus.testing.RunEvents.stageEnded;
import static io.flowbus.testing.RunEvents.stageStarted;
import static io.flowbus.testing.RunEvents.succeeded;
import static io.flowbus.testing.TaskClassBuilder.aTask;

import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs for tests, built by applying events in order like a journal replay, so that a test says only
 * what matters to it: {@code aRun().inFirstStage().build()}, {@code aRunningFanOut(3)}.
 *
 * <p>Unless {@link #withPlan} says otherwise the job is {@code fetch-all} with two stages: stage 0
 * runs the single task {@code prepare} ({@code s0-t0}); stage 1 runs the spawn task {@code split}
 * ({@code s1-spawn}) and then one {@code fetch} per spawn entry ({@code s1-t0}, {@code s1-t1},
 * ...), a failure of which does not fail the run. Its inputs are {@code data_id=42} and the secret
 * {@code token}.
 */
public final class RunBuilder {
  public static final String RUN_ID = "run-1";

  private String id = RUN_ID;
  private RunPlan plan;
  private final Map<String, String> inputs = new LinkedHashMap<>();
  private Set<String> secretInputs = Set.of("token");
  private Idempotency idempotency;
  private Trigger trigger;
  private final List<RunEvent> events = new ArrayList<>();

  private RunBuilder(RunPlan plan) {
    this.plan = plan;
    inputs.put("data_id", "42");
    inputs.put("token", "Basic s3cret");
  }

  /** A created run of {@code fetch-all}, not started. */
  public static RunBuilder aRun() {
    return new RunBuilder(fetchAll(0).plan("fetch-all"));
  }

  /** Every stage succeeded; stage 1 ran two tasks. */
  public static RunBuilder aSucceededRun() {
    return aRun()
        .withSpawned(2)
        .then(dispatched("s1-t0", 1), succeeded("s1-t0", 1))
        .then(dispatched("s1-t1", 1), succeeded("s1-t1", 1))
        .then(stageEnded(1, TaskState.SUCCEEDED), RunEvents.ended(RunState.SUCCEEDED));
  }

  /**
   * {@code prepare} ({@code s0-t0}), a task class with {@code retries} retries, failed every one of
   * its {@code retries + 1} attempts, so stage 0 and the run failed; stage 1 never started.
   */
  public static RunBuilder aFailedRunWithRetries(int retries) {
    RunBuilder run = new RunBuilder(fetchAll(retries).plan("fetch-all")).inFirstStage();
    for (int attempt = 1; attempt <= retries; attempt++) {
      run.then(
          dispatched("s0-t0", attempt),
          failedRetryAt("s0-t0", attempt, T0.plusSeconds(4 + attempt)));
    }
    return run.then(dispatched("s0-t0", retries + 1), failed("s0-t0", retries + 1))
        .then(stageEnded(0, TaskState.FAILED), RunEvents.ended(RunState.FAILED));
  }

  /** Stage 1 spawned {@code n} tasks and every one of them runs on {@link RunEvents#NODE}. */
  public static RunBuilder aRunningFanOut(int n) {
    RunBuilder run = aRun().withSpawned(n);
    for (int i = 0; i < n; i++) {
      run.then(dispatched(io.flowbus.model.TaskId.task(1, i).toString(), 1));
    }
    return run;
  }

  /** The run of another job; it starts with no inputs. */
  public RunBuilder withPlan(RunPlan plan) {
    this.plan = plan;
    inputs.clear();
    secretInputs = Set.of();
    return this;
  }

  public RunBuilder withId(String id) {
    this.id = id;
    return this;
  }

  public RunBuilder withInput(String name, String value) {
    inputs.put(name, value);
    return this;
  }

  public RunBuilder withSecretInputs(String... names) {
    secretInputs = Set.of(names);
    return this;
  }

  /** Asked for with an {@code Idempotency-Key}. */
  public RunBuilder withIdempotency(String key, String fingerprint) {
    idempotency = new Idempotency(key, fingerprint);
    return this;
  }

  /** Started by schedule {@code schedule} for {@code dueAt} (null: triggered by hand). */
  public RunBuilder withTrigger(String schedule, java.time.Instant dueAt) {
    trigger = new Trigger(schedule, dueAt);
    return this;
  }

  public RunBuilder started() {
    return then(RunEvents.started());
  }

  /** Started, stage 0 started: {@code s0-t0} is pending. */
  public RunBuilder inFirstStage() {
    return started().then(stageStarted(0));
  }

  /** Stage 0 done, stage 1 started: its spawn task {@code s1-spawn} is pending. */
  public RunBuilder inSpawnStage() {
    return inFirstStage()
        .then(dispatched("s0-t0", 1), succeeded("s0-t0", 1))
        .then(stageEnded(0, TaskState.SUCCEEDED), stageStarted(1));
  }

  /** The spawn task of stage 1 succeeded with {@code n} entries: {@code s1-t0..} are pending. */
  public RunBuilder withSpawned(int n) {
    return inSpawnStage().then(dispatched("s1-spawn", 1), succeeded("s1-spawn", 1), spawned(1, n));
  }

  public RunBuilder then(RunEvent... more) {
    events.addAll(List.of(more));
    return this;
  }

  public RunEvent.Created created() {
    return new RunEvent.Created(T0, id, plan, inputs, secretInputs, idempotency, trigger);
  }

  public Run build() {
    Run run = Run.create(created());
    events.forEach(run::apply);
    return run;
  }

  private static DefinitionsBuilder fetchAll(int prepareRetries) {
    TaskClassBuilder prepare = aTask("prepare").parameter("data_id").args("--id={data_id}");
    if (prepareRetries > 0) {
      prepare.retries(prepareRetries);
    }
    return DefinitionsBuilder.aDefinitions()
        .task(prepare)
        .task(aTask("split"))
        .task(
            aTask("fetch")
                .retries(2)
                .parameter("url")
                .parameter("token")
                .args("{url}", "--token={token}"))
        .job(
            aJob("fetch-all")
                .parameter("data_id")
                .header("token", "Authorization")
                .parameter("mode", "fast")
                .stage("Prepare", "prepare")
                .spawnStage("Fetch", "split", "fetch")
                .jobFailedOnError(false));
  }
}
