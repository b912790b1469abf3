package io.flowbus.cluster;

import java.time.Duration;
import java.util.Map;

/**
 * What any controller may ask the orchestrating node, over {@link Addresses#orchestratorApi}. A
 * {@link Read} changes nothing and may be asked again; a {@link Write} changes runs. Encoded for
 * the wire by {@link OrchestratorProtocol} only. The requests about runs are here, those about
 * schedules in {@link ScheduleRequest}.
 */
public sealed interface OrchestratorRequest
    permits OrchestratorRequest.Read, OrchestratorRequest.Write {

  /** A request that changes nothing: safe to send again to the next orchestrator. */
  sealed interface Read extends OrchestratorRequest
      permits GetRun,
          RunSnapshot,
          WatchRun,
          ListRuns,
          ListTasks,
          GetTask,
          ListFailures,
          ListNotifications,
          ClusterView,
          ScheduleRequest.ListSchedules,
          ScheduleRequest.GetSchedule {
    /** The one run it reads; null if it reads many. */
    String runId();

    <T> T accept(Reads<T> reads);
  }

  /** A request that changes runs: sent once. */
  sealed interface Write extends OrchestratorRequest
      permits CreateRun,
          StartRun,
          CancelRun,
          DeleteRun,
          PauseRun,
          ResumeRun,
          RetryRun,
          ScheduleRequest.PauseSchedule,
          ScheduleRequest.ResumeSchedule,
          ScheduleRequest.TriggerSchedule {
    <T> T accept(Writes<T> writes);
  }

  /** One answer per kind of read. */
  interface Reads<T> {
    T get(GetRun request);

    T snapshot(RunSnapshot request);

    T watch(WatchRun request);

    T list(ListRuns request);

    T tasks(ListTasks request);

    T task(GetTask request);

    T failures(ListFailures request);

    T notifications(ListNotifications request);

    T cluster(ClusterView request);

    T schedules(ScheduleRequest.ListSchedules request);

    T schedule(ScheduleRequest.GetSchedule request);
  }

  /** One answer per kind of write. */
  interface Writes<T> {
    T create(CreateRun request);

    T start(StartRun request);

    T cancel(CancelRun request);

    T delete(DeleteRun request);

    T pause(PauseRun request);

    T resume(ResumeRun request);

    T retry(RetryRun request);

    T pauseSchedule(ScheduleRequest.PauseSchedule request);

    T resumeSchedule(ScheduleRequest.ResumeSchedule request);

    T triggerSchedule(ScheduleRequest.TriggerSchedule request);
  }

  /**
   * @param params parameter inputs by name
   * @param headers the request headers the job reads as inputs, by lower-case name
   * @param idempotencyKey the request's {@code Idempotency-Key}; null if it has none
   */
  record CreateRun(
      String job,
      Map<String, String> params,
      Map<String, String> headers,
      boolean start,
      String idempotencyKey)
      implements Write {
    public CreateRun {
      params = Map.copyOf(params);
      headers = Map.copyOf(headers);
    }

    /** A request without an idempotency key. */
    public CreateRun(
        String job, Map<String, String> params, Map<String, String> headers, boolean start) {
      this(job, params, headers, start, null);
    }

    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.create(this);
    }
  }

  record StartRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.start(this);
    }
  }

  record CancelRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.cancel(this);
    }
  }

  record DeleteRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.delete(this);
    }
  }

  /** No new task of the run is given out; running ones go on. */
  record PauseRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.pause(this);
    }
  }

  record ResumeRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.resume(this);
    }
  }

  /** A failed or cancelled run runs again what did not succeed. */
  record RetryRun(String runId) implements Write {
    @Override
    public <T> T accept(Writes<T> writes) {
      return writes.retry(this);
    }
  }

  record GetRun(String runId) implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.get(this);
    }
  }

  /** What a follower of a run listens for, and so what the orchestrator publishes for it. */
  enum Follow {
    /** Every change of the run: an event stream. */
    EVERY_CHANGE,
    /** Only the change after which the run has ended and none of its tasks runs: a wait. */
    END
  }

  /**
   * The run with its version, for a follower that continues from it: an event stream, or a wait.
   */
  record RunSnapshot(String runId, Follow follow) implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.snapshot(this);
    }
  }

  /**
   * Keeps the run's changes published for a follower that took its snapshot: renewed at least every
   * {@link #RENEW} while it follows.
   */
  record WatchRun(String runId, Follow follow) implements Read {
    /** How often a follower renews its mark. */
    public static final Duration RENEW = Duration.ofSeconds(15);

    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.watch(this);
    }
  }

  /**
   * @param job null for every job
   * @param state null for every state
   * @param after the last run id of the page before; null for the first page
   */
  record ListRuns(String job, String state, int limit, String after) implements Read {
    @Override
    public String runId() {
      return null;
    }

    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.list(this);
    }
  }

  /**
   * @param stage null for every stage
   * @param state null for every state
   * @param after the last task id of the page before; null for the first page
   */
  record ListTasks(String runId, Integer stage, String state, int limit, String after)
      implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.tasks(this);
    }
  }

  record GetTask(String runId, String taskId) implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.task(this);
    }
  }

  /**
   * The failed task instances of a run, in the order of {@link ListTasks}.
   *
   * @param after the last task id of the page before; null for the first page
   */
  record ListFailures(String runId, int limit, String after) implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.failures(this);
    }
  }

  /** The notifications of a run's ends and how their deliveries fared. */
  record ListNotifications(String runId) implements Read {
    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.notifications(this);
    }
  }

  /** The members, who orchestrates, and what runs and waits. */
  record ClusterView() implements Read {
    @Override
    public String runId() {
      return null;
    }

    @Override
    public <T> T accept(Reads<T> reads) {
      return reads.cluster(this);
    }
  }
}
