package io.flowbus.definitions;

import io.flowbus.model.NotifyTarget;
import io.flowbus.model.RunState;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a job's {@code notify: [{url, on: [succeeded, failed, cancelled]}]}. The key {@code on} is
 * the word: keys are taken as written, never resolved as YAML 1.1 booleans.
 */
final class NotifyReader {
  private static final Set<String> KEYS = Set.of("url", "on");

  private final YamlReader reader;

  NotifyReader(YamlReader reader) {
    this.reader = reader;
  }

  /** The targets listed; empty if none. */
  List<NotifyTarget> read(Node node, String path) {
    List<NotifyTarget> targets = new ArrayList<>();
    List<Node> items = node == null ? null : reader.sequence(node, path);
    if (items == null) {
      return targets;
    }
    for (int i = 0; i < items.size(); i++) {
      NotifyTarget target = target(items.get(i), path + "[" + i + "]");
      if (target != null) {
        targets.add(target);
      }
    }
    return targets;
  }

  private NotifyTarget target(Node node, String path) {
    Map<String, Node> e = reader.mapping(node, path, KEYS);
    if (e == null) {
      return null;
    }
    String url = url(e, path, node);
    Set<RunState> on = on(e.get("on"), YamlReader.join(path, "on"), node);
    return url == null || on == null ? null : new NotifyTarget(url, on);
  }

  private String url(Map<String, Node> e, String path, Node parent) {
    String text = reader.requiredString(e, "url", path, parent);
    if (text == null) {
      return null;
    }
    String url = text.strip();
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    reader.problem(
        e.get("url"),
        YamlReader.join(path, "url"),
        "must be an absolute http or https URL with a host, not '" + text + "'");
    return null;
  }

  private Set<RunState> on(Node node, String path, Node parent) {
    if (node == null) {
      reader.problem(parent, path, "is required: the ends to notify of, " + words());
      return null;
    }
    List<Node> items = reader.sequence(node, path);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      reader.problem(node, path, "must name at least one of " + words());
      return null;
    }
    Set<RunState> states = EnumSet.noneOf(RunState.class);
    boolean valid = true;
    for (int i = 0; i < items.size(); i++) {
      String word = reader.string(items.get(i), path + "[" + i + "]");
      RunState state = word == null ? null : state(word.strip());
      if (state == null) {
        reader.problem(
            items.get(i),
            path + "[" + i + "]",
            "unknown end '" + word + "' (expected one of: " + words() + ")");
        valid = false;
      } else {
        states.add(state);
      }
    }
    return valid ? states : null;
  }

  private static RunState state(String word) {
    for (RunState state : NotifyTarget.STATES) {
      if (state.name().toLowerCase(Locale.ROOT).equals(word)) {
        return state;
      }
    }
    return null;
  }

  private static String words() {
    Set<String> words = new TreeSet<>();
    NotifyTarget.STATES.forEach(s -> words.add(s.name().toLowerCase(Locale.ROOT)));
    return String.join(", ", words);
  }
}
