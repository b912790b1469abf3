package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The notifications of a run's ends ({@link Delivery}), in the order they were due. */
final class Deliveries {
  private final List<Delivery> list = new ArrayList<>();

  /** Each target that asks for the state the run ended in is due a delivery now. */
  void ended(List<NotifyTarget> targets, RunState state, Instant at) {
    for (NotifyTarget target : targets) {
      if (target.on().contains(state)) {
        list.add(Delivery.due(list.size() + 1, target.url(), state, at));
      }
    }
  }

  void attempted(RunEvent.NotificationAttempted e) {
    int index = e.delivery() - 1;
    if (index < 0 || index >= list.size()) {
      throw new IllegalStateException("the run has no delivery " + e.delivery());
    }
    list.set(index, list.get(index).attempted(e));
  }

  List<Delivery> all() {
    return Collections.unmodifiableList(list);
  }
}
