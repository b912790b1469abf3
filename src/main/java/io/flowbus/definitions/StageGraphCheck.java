package io.flowbus.definitions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks the stage graph of a job that declares {@code depends_on}: stage names are unique, every
 * name listed is a stage of the job, and no stage waits for itself through any chain. Reads the
 * nodes as written, so that a stage with another problem still takes part in the check; what is
 * malformed here was reported where it is.
 */
final class StageGraphCheck {
  private final YamlReader reader;

  StageGraphCheck(YamlReader reader) {
    this.reader = reader;
  }

  void check(List<Node> items, String path) {
    List<Map<String, Node>> stages = items.stream().map(StageGraphCheck::entries).toList();
    if (stages.stream().noneMatch(s -> s.containsKey("depends_on"))) {
      return; // a sequence: names may repeat
    }
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      String name = text(stages.get(i).get("name"));
      if (name == null) {
        continue;
      }
      Integer first = byName.putIfAbsent(name, i);
      if (first != null) {
        reader.problem(
            stages.get(i).get("name"),
            path + "[" + i + "].name",
            "duplicate stage name '"
                + name
                + "' (stage "
                + first
                + " has it): names must be unique in a job with depends_on");
      }
    }
    List<List<Integer>> edges = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      edges.add(resolve(stages.get(i).get("depends_on"), byName, path + "[" + i + "].depends_on"));
    }
    new Cycles(edges, items, path).report();
  }

  private List<Integer> resolve(Node dependsOn, Map<String, Integer> byName, String path) {
    List<Integer> targets = new ArrayList<>();
    if (!(dependsOn instanceof SequenceNode sequence)) {
      return targets;
    }
    for (int j = 0; j < sequence.getValue().size(); j++) {
      Node item = sequence.getValue().get(j);
      String name = text(item);
      if (name == null) {
        continue;
      }
      Integer target = byName.get(name);
      if (target == null) {
        reader.problem(item, path + "[" + j + "]", "unknown stage '" + name + "'");
      } else {
        targets.add(target);
      }
    }
    return targets;
  }

  private static Map<String, Node> entries(Node node) {
    Map<String, Node> entries = new HashMap<>();
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          entries.putIfAbsent(key.getValue(), tuple.getValueNode());
        }
      }
    }
    return entries;
  }

  private static String text(Node node) {
    return node instanceof ScalarNode scalar
            && !YamlReader.isNull(node)
            && !scalar.getValue().isBlank()
        ? scalar.getValue().strip()
        : null;
  }

  /** Finds each cycle once by a depth-first walk and reports it as {@code a -> b -> a}. */
  private final class Cycles {
    private final List<List<Integer>> edges;
    private final List<Node> items;
    private final String path;
    private final int[] mark; // 0 unseen, 1 on the walk, 2 done
    private final List<Integer> walk = new ArrayList<>();

    Cycles(List<List<Integer>> edges, List<Node> items, String path) {
      this.edges = edges;
      this.items = items;
      this.path = path;
      this.mark = new int[edges.size()];
    }

    void report() {
      for (int i = 0; i < edges.size(); i++) {
        if (mark[i] == 0) {
          visit(i);
        }
      }
    }

    private void visit(int stage) {
      mark[stage] = 1;
      walk.add(stage);
      for (int next : edges.get(stage)) {
        if (mark[next] == 1) {
          List<Integer> cycle = new ArrayList<>(walk.subList(walk.indexOf(next), walk.size()));
          cycle.add(next);
          List<String> names =
              cycle.stream().map(i -> text(entries(items.get(i)).get("name"))).toList();
          reader.problem(
              items.get(next),
              path,
              "cycle " + String.join(" -> ", names) + " (each waits for the next)");
        } else if (mark[next] == 0) {
          visit(next);
        }
      }
      walk.remove(walk.size() - 1);
      mark[stage] = 2;
    }
  }
}
