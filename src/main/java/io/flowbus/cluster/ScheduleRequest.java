package io.flowbus.cluster;

/**
 * The {@link OrchestratorRequest}s about schedules: each is a {@link OrchestratorRequest.Read} or a
 * {@link OrchestratorRequest.Write}, answered by the same {@code Reads} and {@code Writes}. This
 * type only groups them: it is no request of its own, so that every request stays a read or a write
 * by its type.
 */
public sealed interface ScheduleRequest
    permits ScheduleRequest.ListSchedules,
        ScheduleRequest.GetSchedule,
        ScheduleRequest.PauseSchedule,
        ScheduleRequest.ResumeSchedule,
        ScheduleRequest.TriggerSchedule {

  /** Every schedule with where it stands. */
  record ListSchedules() implements ScheduleRequest, OrchestratorRequest.Read {
    @Override
    public String runId() {
      return null;
    }

    @Override
    public <T> T accept(OrchestratorRequest.Reads<T> reads) {
      return reads.schedules(this);
    }
  }

  record GetSchedule(String scheduleId) implements ScheduleRequest, OrchestratorRequest.Read {
    @Override
    public String runId() {
      return null;
    }

    @Override
    public <T> T accept(OrchestratorRequest.Reads<T> reads) {
      return reads.schedule(this);
    }
  }

  /** The schedule's due times no longer fire, until it is resumed. */
  record PauseSchedule(String scheduleId) implements ScheduleRequest, OrchestratorRequest.Write {
    @Override
    public <T> T accept(OrchestratorRequest.Writes<T> writes) {
      return writes.pauseSchedule(this);
    }
  }

  record ResumeSchedule(String scheduleId) implements ScheduleRequest, OrchestratorRequest.Write {
    @Override
    public <T> T accept(OrchestratorRequest.Writes<T> writes) {
      return writes.resumeSchedule(this);
    }
  }

  /** A run of the schedule's job with its inputs, now. */
  record TriggerSchedule(String scheduleId) implements ScheduleRequest, OrchestratorRequest.Write {
    @Override
    public <T> T accept(OrchestratorRequest.Writes<T> writes) {
      return writes.triggerSchedule(this);
    }
  }
}
