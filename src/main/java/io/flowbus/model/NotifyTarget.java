package io.flowbus.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of a job's {@code notify:} list: the URL that gets a signed POST when a run of the job
 * ends in one of the states {@code on}.
 */
public record NotifyTarget(String url, Set<RunState> on) {
  /** The end states a target may ask for. */
  public static final Set<RunState> STATES =
      Set.copyOf(EnumSet.of(RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED));

  public NotifyTarget {
    on = Set.copyOf(on);
    if (!STATES.containsAll(on)) {
      throw new IllegalArgumentException("a run notifies only when it ends: " + on);
    }
  }

  /** The event a run that ended in {@code state} is sent as, such as {@code run.failed}. */
  public static String eventName(RunState state) {
    return "run." + state.name().toLowerCase(Locale.ROOT);
  }
}
