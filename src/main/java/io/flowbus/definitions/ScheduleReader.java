package io.flowbus.definitions;

import io.flowbus.model.CronTimes;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.Overlap;
import io.flowbus.model.ScheduleDef;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the schedules under {@code schedules:}: the job must exist, the cron expression and time
 * zone must parse, the inputs must be the job's own and give every input it requires.
 */
final class ScheduleReader {
  /** The default zone, named as people write it ({@code ZoneOffset.UTC} would show as "Z"). */
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static final Set<String> KEYS = Set.of("job", "cron", "timezone", "inputs", "overlap");

  private final YamlReader reader;
  private final Map<String, JobDef> jobs;
  private final Set<String> jobIds;
  private final Map<String, Map<String, InputSpec>> declaredInputs;

  /**
   * @param jobIds every job id in the file, valid or not: a schedule of a broken job is not
   *     reported again
   * @param declaredInputs the inputs of each job whose {@code input:} section is sound, valid job
   *     or not: a schedule's inputs are checked against them even when the job is broken
   */
  ScheduleReader(
      YamlReader reader,
      Map<String, JobDef> jobs,
      Set<String> jobIds,
      Map<String, Map<String, InputSpec>> declaredInputs) {
    this.reader = reader;
    this.jobs = jobs;
    this.jobIds = jobIds;
    this.declaredInputs = declaredInputs;
  }

  ScheduleDef read(String id, Node node) {
    String path = "schedules." + id;
    Map<String, Node> e = reader.mapping(node, path, KEYS);
    if (e == null) {
      return null;
    }
    int before = reader.problems().size();
    String job = reader.requiredString(e, "job", path, node);
    if (job != null && !jobIds.contains(job)) {
      reader.problem(e.get("job"), path + ".job", "unknown job '" + job + "'");
    }
    ZoneId zone = zone(e.get("timezone"), path + ".timezone");
    String cronText = reader.requiredString(e, "cron", path, node);
    // checked also when the zone is unknown (then in UTC), so that both problems are reported
    CronTimes cron = cronText == null ? null : cron(cronText, zone == null ? UTC : zone, e, path);
    Overlap overlap = overlap(e.get("overlap"), path + ".overlap");
    Map<String, Node> inputNodes = new LinkedHashMap<>();
    Map<String, String> inputs = inputs(e.get("inputs"), path + ".inputs", inputNodes);
    JobDef def = job == null ? null : jobs.get(job);
    Map<String, InputSpec> declared = job == null ? null : declaredInputs.get(job);
    if (declared != null && inputs != null) {
      Node at = e.get("inputs") == null ? node : e.get("inputs");
      checkInputs(new Declared(job, declared), inputs, inputNodes, at, path + ".inputs");
    }
    if (reader.problems().size() > before || def == null) {
      return null;
    }
    return new ScheduleDef(id, job, cron, inputs, overlap);
  }

  private CronTimes cron(String text, ZoneId zone, Map<String, Node> e, String path) {
    try {
      return CronTimes.parse(text, zone);
    } catch (IllegalArgumentException ex) {
      reader.problem(e.get("cron"), path + ".cron", ex.getMessage());
      return null;
    }
  }

  /** The zone named; UTC when none is named; null (and a problem) for an unknown one. */
  private ZoneId zone(Node node, String path) {
    String text = reader.string(node, path);
    if (text == null) {
      return node == null || YamlReader.isNull(node) ? UTC : null;
    }
    try {
      return ZoneId.of(text.strip());
    } catch (DateTimeException ex) {
      reader.problem(node, path, "unknown time zone '" + text + "' (e.g. UTC, Europe/Berlin)");
      return null;
    }
  }

  private Overlap overlap(Node node, String path) {
    String text = reader.string(node, path);
    if (text == null) {
      return Overlap.SKIP;
    }
    Overlap overlap = Overlap.of(text.strip());
    if (overlap == null) {
      reader.problem(node, path, "must be skip, allow or cancel_previous, not '" + text + "'");
    }
    return overlap;
  }

  /** The values by name; {@code nodes} gets where each is. Null if it is no mapping. */
  private Map<String, String> inputs(Node node, String path, Map<String, Node> nodes) {
    Map<String, String> values = new LinkedHashMap<>();
    if (node == null || YamlReader.isNull(node)) {
      return values;
    }
    Map<String, Node> entries = reader.mapping(node, path, null);
    if (entries == null) {
      return null;
    }
    entries.forEach(
        (name, value) -> {
          nodes.put(name, value);
          String text = reader.string(value, path + "." + name);
          if (text == null && YamlReader.isNull(value)) {
            reader.problem(value, path + "." + name, "needs a value");
          } else if (text != null) {
            values.put(name, text);
          }
        });
    return values;
  }

  /**
   * Each input is one the job declares and can take from a schedule; none it requires is missing.
   */
  private void checkInputs(
      Declared job, Map<String, String> inputs, Map<String, Node> nodes, Node node, String path) {
    for (String name : inputs.keySet()) {
      String problem = notGiven(job, name);
      if (problem != null) {
        reader.problem(nodes.get(name), path + "." + name, problem);
      }
    }
    List<String> missing = new ArrayList<>();
    for (InputSpec spec : job.inputs().values()) {
      if (spec.required()
          && spec.source() != InputSource.ENVIRONMENT
          && !inputs.containsKey(spec.name())) {
        missing.add(spec.name());
      }
    }
    if (!missing.isEmpty()) {
      reader.problem(
          node,
          path,
          "job '"
              + job.id()
              + "' requires input"
              + (missing.size() == 1 ? " " : "s ")
              + String.join(", ", missing)
              + ", which the schedule does not give");
    }
  }

  /** A job's id and the inputs it declares. */
  private record Declared(String id, Map<String, InputSpec> inputs) {}

  /** Why a schedule may not give the job's input {@code name}; null if it may. */
  private static String notGiven(Declared job, String name) {
    InputSpec spec = job.inputs().get(name);
    if (spec == null) {
      return "job '" + job.id() + "' declares no input '" + name + "'" + declared(job);
    }
    return switch (spec.source()) {
      case ENVIRONMENT ->
          "input '" + name + "' is read from the environment of the worker, not given";
      case HTTP_HEADER ->
          "input '"
              + name
              + "' is a secret (an http-header input): a schedule may not give it, as its value"
              + " would be shown in the definitions; have the job read it from the worker's"
              + " environment with an environment input instead";
      case PARAMETER -> null;
    };
  }

  private static String declared(Declared job) {
    return job.inputs().isEmpty()
        ? " (it declares none)"
        : " (it declares: " + String.join(", ", job.inputs().keySet()) + ")";
  }
}
