package io.flowbus.definitions;

import io.flowbus.model.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads typed values out of a YAML node tree and collects every problem with its place. */
final class YamlReader {
  private final String file;
  private final List<Problem> problems = new ArrayList<>();

  YamlReader(String file) {
    this.file = file;
  }

  void problem(Node node, String path, String message) {
    int line = node == null ? 1 : node.getStartMark().getLine() + 1;
    int column = node == null ? 1 : node.getStartMark().getColumn() + 1;
    problems.add(new Problem(file, line, column, path, message));
  }

  void problem(int line, int column, String path, String message) {
    problems.add(new Problem(file, line, column, path, message));
  }

  List<Problem> problems() {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return sorted;
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
  }

  /**
   * The entries of a mapping by key, in file order. Duplicate keys, keys that are not strings and,
   * when {@code allowed} is given, unknown keys are problems. Returns null if it is no mapping.
   */
  Map<String, Node> mapping(Node node, String path, Set<String> allowed) {
    if (!(node instanceof MappingNode mapping)) {
      problem(node, path, "must be a mapping" + found(node));
      return null;
    }
    Map<String, Node> entries = new LinkedHashMap<>();
    Map<String, Node> keys = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar) || isNull(keyNode)) {
        problem(keyNode, path, "keys must be plain names" + found(keyNode));
        continue;
      }
      String key = scalar.getValue();
      String keyPath = join(path, key);
      if (keys.containsKey(key)) {
        int firstLine = keys.get(key).getStartMark().getLine() + 1;
        problem(keyNode, keyPath, "duplicate key '" + key + "' (first at line " + firstLine + ")");
        continue;
      }
      keys.put(key, keyNode);
      if (allowed != null && !allowed.contains(key)) {
        problem(
            keyNode,
            keyPath,
            "unknown key '" + key + "' (expected one of: " + sorted(allowed) + ")");
        continue;
      }
      entries.put(key, tuple.getValueNode());
    }
    return entries;
  }

  List<Node> sequence(Node node, String path) {
    if (!(node instanceof SequenceNode sequence)) {
      problem(node, path, "must be a list" + found(node));
      return null;
    }
    return sequence.getValue();
  }

  /** A scalar's text; null (and a problem) if it is a mapping or a list. */
  String string(Node node, String path) {
    if (isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem(node, path, "must be a single value" + found(node));
      return null;
    }
    return scalar.getValue();
  }

  String requiredString(Map<String, Node> entries, String key, String path, Node parent) {
    Node node = entries.get(key);
    String value = string(node, join(path, key));
    if (value == null && (node == null || isNull(node))) {
      problem(node == null ? parent : node, join(path, key), "is required");
    } else if (value != null && value.isBlank()) {
      problem(node, join(path, key), "must not be empty");
      return null;
    }
    return value;
  }

  Boolean bool(Node node, String path) {
    String text = string(node, path);
    if (text == null) {
      return null;
    }
    if (!node.getTag().equals(Tag.BOOL)) {
      problem(node, path, "must be true or false, not '" + text + "'");
      return null;
    }
    // YAML 1.1 booleans, as the parser recognised them: true/yes/y/on and their opposites
    return Set.of("true", "yes", "y", "on").contains(text.toLowerCase(java.util.Locale.ROOT));
  }

  Integer wholeNumber(Node node, String path, int min) {
    String text = string(node, path);
    if (text == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min) {
        problem(node, path, "must be at least " + min + ", not " + value);
        return null;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(node, path, "must be a whole number, not '" + text + "'");
      return null;
    }
  }

  Duration duration(Node node, String path) {
    String text = string(node, path);
    if (text == null) {
      return null;
    }
    try {
      Duration d = Durations.parse(text);
      if (d.isZero() || d.isNegative()) {
        problem(node, path, "must be longer than zero");
        return null;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problem(node, path, e.getMessage());
      return null;
    }
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }

  private static String found(Node node) {
    if (isNull(node)) {
      return ", found nothing";
    }
    if (node instanceof MappingNode) {
      return ", found a mapping";
    }
    if (node instanceof SequenceNode) {
      return ", found a list";
    }
    return ", found '" + ((ScalarNode) node).getValue() + "'";
  }
}
