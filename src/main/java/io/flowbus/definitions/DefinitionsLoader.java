package io.flowbus.definitions;

import io.flowbus.model.Definitions;
import io.flowbus.model.JobDef;
import io.flowbus.model.ScheduleDef;
import io.flowbus.model.TaskClass;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads a definitions file strictly: unknown keys, duplicates, wrong types and dangling references
 * are all reported at once, each with its file, line and path. Nothing is returned unless the whole
 * file is valid.
 */
public final class DefinitionsLoader {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

  private DefinitionsLoader() {}

  public static Definitions load(Path file) throws DefinitionsException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DefinitionsException(
          List.of(new Problem(file.toString(), 1, 1, "", "cannot read the file: " + e)));
    }
    return parse(text, file.toString());
  }

  public static Definitions parse(String text, String file) throws DefinitionsException {
    YamlReader reader = new YamlReader(file);
    Node root = compose(text, reader);
    Definitions definitions = root == null ? null : read(root, reader);
    List<Problem> problems = reader.problems();
    if (!problems.isEmpty()) {
      throw new DefinitionsException(problems);
    }
    return definitions;
  }

  private static Node compose(String text, YamlReader reader) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported by YamlReader, with both places
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMaxAliasesForCollections(50);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      Iterator<Node> documents = yaml.composeAll(new StringReader(text)).iterator();
      if (!documents.hasNext()) {
        reader.problem(1, 1, "", "the file is empty: it needs 'tasks:' and 'jobs:'");
        return null;
      }
      Node root = documents.next();
      if (documents.hasNext()) {
        Node second = documents.next();
        reader.problem(second, "", "the file must hold one YAML document, not several");
        return null;
      }
      return root;
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = "invalid YAML: " + e.getProblem();
      if (e.getContext() != null) {
        message += " (" + e.getContext() + ")";
      }
      reader.problem(
          mark == null ? 1 : mark.getLine() + 1,
          mark == null ? 1 : mark.getColumn() + 1,
          "",
          message);
      return null;
    } catch (YAMLException e) {
      reader.problem(1, 1, "", "invalid YAML: " + e.getMessage());
      return null;
    }
  }

  private static Definitions read(Node root, YamlReader reader) {
    Map<String, Node> top = reader.mapping(root, "", Set.of("tasks", "jobs", "schedules"));
    if (top == null) {
      return null;
    }
    Map<String, TaskClass> tasks = new LinkedHashMap<>();
    Map<String, JobDef> jobs = new LinkedHashMap<>();
    for (String section : List.of("tasks", "jobs")) {
      if (!top.containsKey(section)) {
        reader.problem(root, "", "'" + section + ":' is missing");
      }
    }
    Map<String, Node> taskNodes = idMapping(top.get("tasks"), "tasks", reader);
    Map<String, Node> jobNodes = idMapping(top.get("jobs"), "jobs", reader);
    TaskClassReader taskReader = new TaskClassReader(reader);
    taskNodes.forEach((id, node) -> put(tasks, id, taskReader.read(id, node)));
    JobReader jobReader = new JobReader(reader, tasks, taskNodes.keySet());
    jobNodes.forEach((id, node) -> put(jobs, id, jobReader.read(id, node)));
    Map<String, ScheduleDef> schedules = new LinkedHashMap<>();
    ScheduleReader scheduleReader =
        new ScheduleReader(reader, jobs, jobNodes.keySet(), jobReader.declaredInputs());
    idMapping(top.get("schedules"), "schedules", reader)
        .forEach((id, node) -> put(schedules, id, scheduleReader.read(id, node)));
    return new Definitions(tasks, jobs, schedules);
  }

  private static Map<String, Node> idMapping(Node node, String path, YamlReader reader) {
    if (node == null) {
      return Map.of();
    }
    Map<String, Node> entries = reader.mapping(node, path, null);
    if (entries == null) {
      return Map.of();
    }
    Map<String, Node> valid = new LinkedHashMap<>();
    entries.forEach(
        (id, value) -> {
          if (ID.matcher(id).matches()) {
            valid.put(id, value);
          } else {
            reader.problem(
                value, path + "." + id, "ids may hold only letters, digits, '_', '.', '-'");
          }
        });
    return valid;
  }

  private static <T> void put(Map<String, T> into, String id, T value) {
    if (value != null) {
      into.put(id, value);
    }
  }

  /** Every problem of a file as plain lines, for a start-up report. */
  public static List<String> describe(DefinitionsException e) {
    List<String> lines = new ArrayList<>();
    e.problems().forEach(p -> lines.add(p.toString()));
    return lines;
  }
}
