package io.flowbus.worker;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.DurableConsumers;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.Problems;
import io.flowbus.cluster.TaskAssignment;
import io.flowbus.cluster.TaskResult;
import io.flowbus.cluster.WorkerControl;
import io.flowbus.config.NodeConfig;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Secrets;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.SecretBox;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks the orchestrator assigns to this node, never more at once than its slots. One
 * consumer per address and node: the orchestrator picks the node, the event bus only delivers.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

  private final String nodeId;
  private final NodeConfig config;
  private final DataLayout layout;
  private final SecretBox secretBox;
  private final MeterRegistry registry;
  private final Membership membership;

  /** Whether this node orchestrates, as of the last change of members. */
  private volatile boolean leaderHere;

  private final Map<String, RunningTask> running = new HashMap<>();
  private boolean draining;
  private Promise<Void> idle;
  private ResultOutbox outbox;
  private WorkerMetrics metrics;
  private AttemptRunner attempts;
  private volatile TaskHost host;
  private WorkerExecutor spawnStore;
  private ExecutorService taskThreads;
  private ScheduledExecutorService timer;

  public WorkerVerticle(
      String nodeId, NodeConfig config, MeterRegistry registry, Membership membership) {
    this.nodeId = nodeId;
    this.membership = membership;
    this.config = config;
    this.layout = new DataLayout(config.dataDir());
    this.secretBox = new SecretBox(layout.secretsKey());
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    leaderHere = membership.isLeader();
    outbox = new ResultOutbox(vertx, () -> leaderHere);
    taskThreads = Executors.newCachedThreadPool(daemon("flowbus-task"));
    timer = taskTimer();
    spawnStore = vertx.createSharedWorkerExecutor("flowbus-spawn-store", config.slots());
    metrics = new WorkerMetrics(registry, config.slots(), running);
    membership.onChange(
        context,
        () -> {
          leaderHere = membership.isLeader();
          outbox.resendAll();
        });
    DurableConsumers consumers = new DurableConsumers(vertx);
    // before any task is taken: what a crashed earlier life of this node left running is stopped
    return vertx
        .executeBlocking(() -> host = TaskHost.prepare(config, layout, taskThreads, timer), false)
        .compose(
            h -> {
              attempts = attemptRunner(h);
              return Future.all(
                  consumers.<AssignmentBatch>add(
                      Addresses.workerTasks(nodeId), this::onAssignments),
                  consumers.<JsonObject>add(Addresses.workerControl(nodeId), this::onControl));
            })
        .onSuccess(
            v -> {
              consumers.watch();
              vertx.eventBus().publish(Addresses.WORKERS_CHANGED, nodeId);
            });
  }

  /**
   * One thread for timeouts, grace periods and polls; a task that ends before its timer fires takes
   * the timer out at once instead of leaving it queued until then.
   */
  private static ScheduledExecutorService taskTimer() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, daemon("flowbus-task-timer"));
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private AttemptRunner attemptRunner(TaskHost taskHost) {
    TaskLaunch launch =
        new TaskLaunch(layout, config.binDir(), config.taskLogLimit(), System.getenv());
    return new AttemptRunner(
        context, taskThreads, spawnStore, launch, taskHost, layout, secretBox, config.spawnLimit());
  }

  /**
   * Answers each assignment of the batch in its place, then starts those it took (the answers go
   * first: a result is rarely ahead of its assignment's answer).
   */
  private void onAssignments(Message<AssignmentBatch> message) {
    List<AssignmentBatch.Answer> answers = new ArrayList<>();
    List<RunningTask> taken = new ArrayList<>();
    for (TaskAssignment task : message.body().assignments()) {
      answers.add(take(task, taken));
    }
    message.reply(new AssignmentBatch.Answers(answers));
    taken.forEach(this::start);
  }

  /** Takes the assignment (adding it to {@code taken}, to start) or refuses it. */
  private AssignmentBatch.Answer take(TaskAssignment task, List<RunningTask> taken) {
    RunningTask existing = running.get(task.key());
    if (existing != null) {
      return existing.task().attempt() == task.attempt()
          ? AssignmentBatch.Answer.taken()
          : refused(409, "attempt " + existing.task().attempt() + " of this task runs here");
    } else if (draining) {
      return refused(503, "node " + nodeId + " is draining");
    } else if (running.size() >= config.slots()) {
      return refused(429, "all " + config.slots() + " slots of node " + nodeId + " are busy");
    }
    RunningTask r = new RunningTask(task);
    running.put(task.key(), r);
    taken.add(r);
    return AssignmentBatch.Answer.taken();
  }

  private void start(RunningTask r) {
    attempts
        .run(r)
        .onSuccess(ended -> complete(r, ended.outcome(), ended.spawnCount()))
        .onFailure(e -> LOG.error("attempt {} cannot be followed to its end", r.task().key(), e));
  }

  private AssignmentBatch.Answer refused(int status, String why) {
    return AssignmentBatch.Answer.refused(Problems.problem(status, "Assignment refused", why));
  }

  private void complete(RunningTask r, CommandOutcome outcome, Integer spawnCount) {
    // an error may quote the command line, which may hold a secret
    TaskAssignment t = r.task();
    String error = Secrets.mask(outcome.error(), t.secrets());
    running.remove(t.key());
    metrics.ended(outcome.state(), r.elapsed());
    LOG.atInfo()
        .addKeyValue("run_id", t.runId())
        .addKeyValue("task_id", t.taskId())
        .log(
            "run {} task {} attempt {} {}{}",
            t.runId(),
            t.taskId(),
            t.attempt(),
            outcome.state(),
            error == null ? "" : ": " + error);
    outbox.send(
        new TaskResult(
            t.runId(),
            t.taskId(),
            t.attempt(),
            nodeId,
            outcome.state(),
            outcome.exitCode(),
            error,
            spawnCount));
    if (running.isEmpty() && idle != null) {
      idle.tryComplete();
    }
  }

  private void onControl(Message<JsonObject> message) {
    WorkerControl control;
    try {
      control = WorkerControl.fromJson(message.body());
    } catch (RuntimeException e) {
      message.fail(400, e.getMessage());
      return;
    }
    if (control instanceof WorkerControl.Cancel cancel) {
      RunningTask r = running.get(cancel.attempt().taskKey());
      if (r != null && r.task().attempt() == cancel.attempt().attempt()) {
        r.stop(AttemptState.CANCELLED, cancel.reason());
      }
      message.reply(new JsonObject().put("stopping", r != null));
    } else {
      message.reply(inventory().toJson());
    }
  }

  /** What this node runs or has finished without an acknowledgement: none of it is to run again. */
  private WorkerControl.Inventory inventory() {
    List<AttemptKey> runningTasks = new ArrayList<>();
    running.values().forEach(r -> runningTasks.add(r.task().attemptKey()));
    List<AttemptKey> finished = new ArrayList<>();
    outbox.pending().forEach(t -> finished.add(t.attemptKey()));
    return new WorkerControl.Inventory(nodeId, config.slots(), draining, runningTasks, finished);
  }

  /**
   * Takes no new task, lets running ones finish for up to {@code timeout}, hands the rest back
   * (their attempts end LOST, so the orchestrator runs them elsewhere), then waits until every
   * result is acknowledged.
   */
  public Future<Void> drain(Duration timeout) {
    draining = true;
    vertx.eventBus().publish(Addresses.WORKERS_CHANGED, nodeId);
    LOG.info("draining: {} tasks running, waiting up to {}", running.size(), timeout);
    return whenIdle(timeout.toMillis())
        .transform(
            v -> {
              List<RunningTask> left = new ArrayList<>(running.values());
              left.forEach(
                  r -> r.stop(AttemptState.LOST, "handed back: node " + nodeId + " stopped"));
              return whenIdle(TaskLaunch.STOP_GRACE.toMillis() + 2_000);
            })
        .transform(v -> outbox.whenEmpty().timeout(10, java.util.concurrent.TimeUnit.SECONDS))
        .recover(e -> Future.succeededFuture());
  }

  private Future<Void> whenIdle(long timeoutMillis) {
    if (running.isEmpty()) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    return idle.future().timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    running.values().forEach(r -> r.stop(AttemptState.LOST, "node " + nodeId + " stopped"));
    taskThreads.shutdown();
    timer.shutdown();
    if (host != null) {
      host.close();
    }
    return spawnStore.close();
  }

  /** The user this node runs tasks as when it is not its own (isolation on); null otherwise. */
  public String taskUser() {
    TaskHost h = host;
    return h == null ? null : h.taskUser();
  }

  /** Whether each task runs in PID and mount namespaces of its own (sees only its processes). */
  public boolean taskNamespaces() {
    TaskHost h = host;
    return h != null && h.taskNamespaces();
  }

  /** The programs each task is started through before its command; empty before the start. */
  public List<String> taskPrograms() {
    TaskHost h = host;
    return h == null ? List.of() : h.taskPrograms();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
