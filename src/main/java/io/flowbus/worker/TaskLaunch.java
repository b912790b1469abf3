package io.flowbus.worker;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.ArgTemplate;
import io.flowbus.model.TaskInputs;
import io.flowbus.model.TaskKind;
import io.flowbus.storage.DataLayout;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an assignment into the command line and environment this worker runs it with. */
final class TaskLaunch {
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final DataLayout layout;
  private final long logLimit;
  private final Map<String, String> environment;

  /** What every task's environment starts from, made once: a copy per task costs enough. */
  private final Map<String, String> base;

  TaskLaunch(DataLayout layout, Path binDir, long logLimit, Map<String, String> environment) {
    this.layout = layout;
    this.logLimit = logLimit;
    this.environment = Map.copyOf(environment);
    this.base = baseEnvironment(this.environment, binDir);
  }

  /** The command to run, or an {@link IllegalArgumentException} naming what is missing. */
  CommandSpec spec(TaskAssignment task) {
    Map<String, String> values = new LinkedHashMap<>(task.values());
    List<String> missing =
        TaskInputs.resolveEnvironment(task.environmentInputs(), environment::get, values);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "environment variable "
              + String.join(", ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not set on this worker and the input has no default");
    }
    List<String> argv = new ArrayList<>();
    argv.add(ArgTemplate.parse(task.command()).render(values::get));
    task.args().forEach(arg -> argv.add(ArgTemplate.parse(arg).render(values::get)));
    Path workspace = layout.workspace(task.runId());
    return new CommandSpec(
        argv,
        workspace,
        environmentOf(task, workspace),
        task.secrets(),
        layout.log(task.runId(), task.taskId(), task.attempt(), "stdout"),
        layout.log(task.runId(), task.taskId(), task.attempt(), "stderr"),
        logLimit,
        task.timeoutMillis() > 0 ? Duration.ofMillis(task.timeoutMillis()) : null,
        STOP_GRACE);
  }

  private static Map<String, String> baseEnvironment(Map<String, String> node, Path binDir) {
    Map<String, String> env = new HashMap<>(node);
    // the node's own settings (an API key among them) are not the task's business
    env.keySet().removeIf(name -> name.startsWith("FLOWBUS_"));
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    if (binDir != null) {
      path = binDir + File.pathSeparator + path;
    }
    env.put("PATH", path);
    return Map.copyOf(env);
  }

  private Map<String, String> environmentOf(TaskAssignment task, Path workspace) {
    Map<String, String> env = new HashMap<>(base);
    env.put("FLOWBUS_RUN_ID", task.runId());
    env.put("FLOWBUS_RUN_DIR", workspace.toString());
    env.put("FLOWBUS_STAGE_INDEX", Integer.toString(task.stage()));
    env.put("FLOWBUS_TASK_ID", task.taskId());
    env.put("FLOWBUS_TASK_KIND", task.kind().wireName());
    env.put("FLOWBUS_ATTEMPT", Integer.toString(task.attempt()));
    if (task.kind() == TaskKind.TASK) {
      env.put("FLOWBUS_TASK_INDEX", Integer.toString(task.index()));
    }
    return env;
  }
}
