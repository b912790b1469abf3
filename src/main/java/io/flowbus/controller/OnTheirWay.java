package io.flowbus.controller;

import io.flowbus.model.AttemptKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attempts sent to a node whose answer is not taken in yet, one per task at most, and how many of
 * them each stage has: a stage's {@code max_parallel} counts them with its running tasks.
 */
final class OnTheirWay {
  /** One attempt sent to {@code node}. */
  record Sent(String node, AttemptKey key, int stage) {
    String stageKey() {
      return OnTheirWay.stageKey(key.runId(), stage);
    }
  }

  private final Map<String, Sent> byTask = new HashMap<>();
  private final Map<String, Integer> perStage = new HashMap<>();

  private static String stageKey(String runId, int stage) {
    return runId + "/" + stage;
  }

  void add(Sent sent) {
    byTask.put(sent.key().taskKey(), sent);
    perStage.merge(sent.stageKey(), 1, Integer::sum);
  }

  /** The attempt of the task ({@code run/task}) on its way; null if none. */
  Sent of(String taskKey) {
    return byTask.get(taskKey);
  }

  /** Takes the attempt off its way; false if it was taken off before. */
  boolean remove(Sent sent) {
    if (!byTask.remove(sent.key().taskKey(), sent)) {
      return false;
    }
    perStage.merge(sent.stageKey(), -1, Integer::sum);
    return true;
  }

  int inStage(String runId, int stage) {
    return perStage.getOrDefault(stageKey(runId, stage), 0);
  }

  List<Sent> to(String node) {
    return byTask.values().stream().filter(s -> s.node().equals(node)).toList();
  }

  Collection<Sent> all() {
    return byTask.values();
  }
}
