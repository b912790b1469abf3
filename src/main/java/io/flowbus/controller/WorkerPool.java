package io.flowbus.controller;

import io.flowbus.cluster.NodeInfo;
import io.flowbus.model.AttemptKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker nodes and what the orchestrator has given each: a node never holds more attempts than
 * its slots. A node takes work once it has confirmed that its worker is listening.
 */
final class WorkerPool {
  /** One worker node as the orchestrator sees it. */
  static final class Worker {
    final String id;
    final int slots;
    final Set<AttemptKey> attempts = new HashSet<>();
    boolean available;
    boolean draining;
    long pausedUntil;

    Worker(String id, int slots) {
      this.id = id;
      this.slots = slots;
    }

    int free() {
      return slots - attempts.size();
    }
  }

  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private int turn;

  /** Takes in the current members; returns the workers that left, with what they held. */
  List<Worker> sync(Collection<NodeInfo> nodes) {
    Set<String> present = new HashSet<>();
    for (NodeInfo node : nodes) {
      if (node.isWorker()) {
        present.add(node.id());
        workers.computeIfAbsent(node.id(), id -> new Worker(id, node.slots()));
      }
    }
    List<Worker> gone = new ArrayList<>();
    workers.values().removeIf(w -> !present.contains(w.id) && gone.add(w));
    return gone;
  }

  /** The node answered: it listens, and takes work unless it drains. */
  void confirmed(String nodeId, boolean draining) {
    Worker w = workers.get(nodeId);
    if (w != null) {
      w.draining = draining;
      w.available = !draining;
    }
  }

  /** The node did not take a task: give it none for a moment, or none until it is confirmed. */
  void refused(String nodeId, boolean untilConfirmed, long pauseUntil) {
    Worker w = workers.get(nodeId);
    if (w != null) {
      if (untilConfirmed) {
        w.available = false;
      }
      w.pausedUntil = pauseUntil;
    }
  }

  /** The available node with the most free slots, taking turns among equals; null if none. */
  Worker pick(long now) {
    List<Worker> list = new ArrayList<>(workers.values());
    Worker best = null;
    for (int i = 0; i < list.size(); i++) {
      Worker w = list.get((turn + i) % list.size());
      if (w.available
          && w.free() > 0
          && now >= w.pausedUntil
          && (best == null || w.free() > best.free())) {
        best = w;
      }
    }
    if (best != null) {
      turn++;
    }
    return best;
  }

  void assign(String nodeId, AttemptKey attemptKey) {
    Worker w = workers.get(nodeId);
    if (w != null) {
      w.attempts.add(attemptKey);
    }
  }

  void reconcile(String nodeId, Set<AttemptKey> attemptKeys) {
    Worker w = workers.get(nodeId);
    if (w != null) {
      w.attempts.clear();
      w.attempts.addAll(attemptKeys);
    }
  }

  void release(String nodeId, AttemptKey attemptKey) {
    Worker w = workers.get(nodeId);
    if (w != null) {
      w.attempts.remove(attemptKey);
    }
  }

  Collection<Worker> workers() {
    return workers.values();
  }

  Worker get(String nodeId) {
    return workers.get(nodeId);
  }

  int freeSlots() {
    return workers.values().stream()
        .filter(w -> w.available)
        .mapToInt(w -> Math.max(0, w.free()))
        .sum();
  }

  int busySlots() {
    return workers.values().stream().mapToInt(w -> w.attempts.size()).sum();
  }
}
