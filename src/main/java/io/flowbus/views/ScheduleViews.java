package io.flowbus.views;

import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.ScheduleDef;
import io.flowbus.model.ScheduleState;
import io.flowbus.model.Secrets;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The REST shape of a schedule: its definition and where it stands (secret inputs as ***). */
public final class ScheduleViews {
  private ScheduleViews() {}

  /**
   * @param job the job the schedule starts, to tell its secret inputs; null if unknown
   * @param nextFireAt null when paused
   */
  public static JsonObject schedule(
      ScheduleDef schedule, JobDef job, ScheduleState state, Instant nextFireAt) {
    return new JsonObject()
        .put("id", schedule.id())
        .put("job", schedule.job())
        .put("cron", schedule.cron().expression())
        .put("timezone", schedule.cron().zone().getId())
        .put("inputs", new JsonObject(masked(schedule, job)))
        .put("overlap", schedule.overlap().wireName())
        .put("paused", state.paused())
        .put("next_fire_at", RunViews.time(nextFireAt))
        .put("last_fire_at", RunViews.time(state.lastFireAt()))
        .put("last_run", state.lastRun());
  }

  private static Map<String, Object> masked(ScheduleDef schedule, JobDef job) {
    Map<String, Object> values = new LinkedHashMap<>();
    schedule
        .inputs()
        .forEach(
            (name, value) -> {
              InputSpec spec = job == null ? null : job.inputs().get(name);
              values.put(name, spec != null && spec.secret() ? Secrets.MASK : value);
            });
    return values;
  }
}
