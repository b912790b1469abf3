package io.flowbus.definitions;

import io.flowbus.model.ArgTemplate;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.TaskClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the task classes under {@code tasks:}, including the seed's argument quirks. */
final class TaskClassReader {
  private static final Set<String> TASK_KEYS =
      Set.of(
          "name",
          "description",
          "input",
          "exec_command",
          "exec_args",
          "timeout",
          "retries",
          "retry_backoff");
  private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

  private final YamlReader reader;

  TaskClassReader(YamlReader reader) {
    this.reader = reader;
  }

  TaskClass read(String id, Node node) {
    String path = "tasks." + id;
    Map<String, Node> e = reader.mapping(node, path, TASK_KEYS);
    if (e == null) {
      return null;
    }
    // read before the count: a bad name alone must not hide the checks of what uses this class
    String name = string(e, "name", path, id);
    String description = string(e, "description", path, "");
    int before = reader.problems().size();
    Inputs inputs = new InputReader(reader).read(e.get("input"), path + ".input");
    String command = reader.requiredString(e, "exec_command", path, node);
    List<ArgTemplate> args = args(e.get("exec_args"), path + ".exec_args", inputs.declared());
    Duration timeout = reader.duration(e.get("timeout"), path + ".timeout");
    Integer retries = reader.wholeNumber(e.get("retries"), path + ".retries", 0);
    Duration backoff = reader.duration(e.get("retry_backoff"), path + ".retry_backoff");
    ArgTemplate commandTemplate = command == null ? null : ArgTemplate.parse(command.strip());
    if (commandTemplate != null) {
      checkPlaceholders(
          commandTemplate, inputs.declared(), e.get("exec_command"), path + ".exec_command");
    }
    if (reader.problems().size() > before) {
      return null;
    }
    return new TaskClass(
        id,
        name,
        description,
        inputs.specs(),
        commandTemplate,
        args,
        timeout,
        retries == null ? 0 : retries,
        backoff == null ? DEFAULT_BACKOFF : backoff);
  }

  private String string(Map<String, Node> e, String key, String path, String fallback) {
    String value = reader.string(e.get(key), path + "." + key);
    return value == null ? fallback : value.strip();
  }

  /** Only arguments that parsed are returned; a bad one is a problem and is left out. */
  private List<ArgTemplate> args(Node node, String path, Set<String> declared) {
    List<ArgTemplate> args = new ArrayList<>();
    if (node == null || YamlReader.isNull(node)) {
      return args;
    }
    List<Node> items = reader.sequence(node, path);
    if (items == null) {
      return args;
    }
    for (int i = 0; i < items.size(); i++) {
      ArgTemplate arg = arg(items.get(i), path + "[" + i + "]");
      if (arg != null) {
        checkPlaceholders(arg, declared, items.get(i), path + "[" + i + "]");
        args.add(arg);
      }
    }
    return args;
  }

  /**
   * One argument. A bare {@code - {url}} is YAML for the mapping {@code {url: null}}: it means the
   * placeholder {@code {url}}. A block scalar ({@code >} or {@code |}) ends in a newline and may be
   * wrapped in double quotes: both are taken off.
   */
  private ArgTemplate arg(Node node, String path) {
    if (node instanceof MappingNode mapping) {
      List<NodeTuple> tuples = mapping.getValue();
      if (tuples.size() == 1
          && tuples.get(0).getKeyNode() instanceof ScalarNode key
          && YamlReader.isNull(tuples.get(0).getValueNode())
          && DefinitionsLoader.ID.matcher(key.getValue()).matches()) {
        return ArgTemplate.placeholder(key.getValue());
      }
      reader.problem(node, path, "must be a string or a bare {placeholder}, found a mapping");
      return null;
    }
    if (!(node instanceof ScalarNode scalar) || YamlReader.isNull(node)) {
      reader.problem(node, path, "must be a string or a bare {placeholder}");
      return null;
    }
    String text = scalar.getValue();
    ScalarStyle style = scalar.getScalarStyle();
    if (style == ScalarStyle.FOLDED || style == ScalarStyle.LITERAL) {
      text = text.strip();
      if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
        text = text.substring(1, text.length() - 1);
      }
    }
    return ArgTemplate.parse(text);
  }

  private void checkPlaceholders(
      ArgTemplate template, Set<String> declaredNames, Node node, String path) {
    for (String name : template.placeholders()) {
      if (!declaredNames.contains(name)) {
        String declared = declaredNames.isEmpty() ? "none" : String.join(", ", declaredNames);
        reader.problem(
            node,
            path,
            "placeholder {" + name + "} is not a declared input (declared: " + declared + ")");
      }
    }
  }

  /**
   * The inputs of a task class or job.
   *
   * @param declared every name under {@code input:}, also those whose declaration has problems
   */
  record Inputs(Map<String, InputSpec> specs, Set<String> declared) {}

  /** Reads {@code input:} blocks of task classes and jobs alike. */
  static final class InputReader {
    private static final Set<String> INPUT_KEYS =
        Set.of("description", "source", "key", "default", "required");
    private final YamlReader reader;

    InputReader(YamlReader reader) {
      this.reader = reader;
    }

    Inputs read(Node node, String path) {
      Map<String, InputSpec> inputs = new LinkedHashMap<>();
      if (node == null || YamlReader.isNull(node)) {
        return new Inputs(inputs, Set.of());
      }
      Map<String, Node> entries = reader.mapping(node, path, null);
      if (entries == null) {
        return new Inputs(inputs, Set.of());
      }
      entries.forEach((name, value) -> read(name, value, path + "." + name, inputs));
      return new Inputs(inputs, new LinkedHashSet<>(entries.keySet()));
    }

    private void read(String name, Node node, String path, Map<String, InputSpec> into) {
      if (!DefinitionsLoader.ID.matcher(name).matches() || name.contains(".")) {
        reader.problem(node, path, "input names may hold only letters, digits, '_', '-'");
        return;
      }
      Map<String, Node> e = reader.mapping(node, path, INPUT_KEYS);
      if (e == null) {
        return;
      }
      InputSource source = source(e, path, node);
      String key = key(e, source, path, node);
      String defaultValue = reader.string(e.get("default"), path + ".default");
      Boolean required = reader.bool(e.get("required"), path + ".required");
      if (Boolean.TRUE.equals(required) && defaultValue != null) {
        reader.problem(
            e.get("required"), path + ".required", "an input with a default is optional");
      }
      if (source != null) {
        boolean isRequired = required != null ? required : defaultValue == null;
        String description = reader.string(e.get("description"), path + ".description");
        into.put(
            name,
            new InputSpec(
                name,
                description == null ? "" : description.strip(),
                source,
                key == null ? null : key.strip(),
                defaultValue,
                isRequired));
      }
    }

    /** The input's source; null if missing or unknown, which is a problem. */
    private InputSource source(Map<String, Node> e, String path, Node node) {
      String text = reader.requiredString(e, "source", path, node);
      InputSource source = text == null ? null : InputSource.fromYaml(text).orElse(null);
      if (text != null && source == null) {
        reader.problem(
            e.get("source"),
            path + ".source",
            "unknown source '" + text + "' (expected parameter, environment or http-header)");
      }
      return source;
    }

    /** The header or variable an input is read from: needed by http-header, none for parameter. */
    private String key(Map<String, Node> e, InputSource source, String path, Node node) {
      String key = reader.string(e.get("key"), path + ".key");
      if (source == InputSource.HTTP_HEADER && (key == null || key.isBlank())) {
        reader.problem(node, path + ".key", "an http-header input needs 'key:' naming the header");
      }
      if (source == InputSource.PARAMETER && key != null) {
        reader.problem(
            e.get("key"), path + ".key", "'key:' applies to http-header and environment");
      }
      return key;
    }
  }
}
