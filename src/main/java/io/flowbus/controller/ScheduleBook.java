package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.ScheduleState;
import io.flowbus.storage.ScheduleJournal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each schedule stands ({@link ScheduleState}), changed only once its event is in the
 * schedule journal: what the book shows is what the next orchestrator will read. Touched on the
 * orchestrator's event loop only.
 */
final class ScheduleBook {
  /** The journal is compacted when it has more than this many events per schedule (and 64). */
  static final int COMPACT_FACTOR = 8;

  private final Context context;
  private final ScheduleJournal journal;
  private final Map<String, ScheduleState> states = new HashMap<>();

  ScheduleBook(Context context, ScheduleJournal journal) {
    this.context = context;
    this.journal = journal;
  }

  ScheduleState get(String schedule) {
    return states.getOrDefault(schedule, ScheduleState.NEW);
  }

  Set<String> schedules() {
    return Set.copyOf(states.keySet());
  }

  /**
   * Journals {@code event}, then applies it; fails with {@link NotWritten} if it was not written.
   */
  Future<Void> record(ScheduleEvent event) {
    return Future.fromCompletionStage(journal.append(event), context)
        .recover(e -> Future.failedFuture(new NotWritten(e)))
        .map(
            v -> {
              apply(event);
              return null;
            });
  }

  /**
   * Reads the journal back (compacting it when it holds many more events than schedules), on a
   * worker thread; then notes the runs the schedules started.
   */
  Future<Void> load(Collection<Run> runs) {
    return context
        .owner()
        .executeBlocking(() -> journal.loadCompacting(COMPACT_FACTOR))
        .map(
            events -> {
              replay(events, runs);
              return null;
            });
  }

  void replay(List<ScheduleEvent> events, Collection<Run> runs) {
    events.forEach(this::apply);
    noteRuns(runs);
  }

  private void apply(ScheduleEvent event) {
    states.put(event.schedule(), get(event.schedule()).apply(event));
  }

  /**
   * The runs tell which one each schedule started last, also one created just before a crash kept
   * the journal from naming it.
   */
  private void noteRuns(Collection<Run> runs) {
    Map<String, Run> newest = new HashMap<>();
    for (Run run : runs) {
      if (run.trigger() != null) {
        newest.merge(
            run.trigger().schedule(), run, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
      }
    }
    Map<String, Run> byId = new HashMap<>();
    runs.forEach(r -> byId.put(r.id(), r));
    newest.forEach(
        (schedule, run) -> {
          ScheduleState state = get(schedule);
          Run known = state.lastRun() == null ? null : byId.get(state.lastRun());
          if (known == null || run.createdAt().isAfter(known.createdAt())) {
            states.put(schedule, state.withRun(run.id()));
          }
        });
  }
}
