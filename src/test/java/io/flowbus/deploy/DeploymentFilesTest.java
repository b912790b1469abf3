package io.flowbus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.config.NodeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** The compose file and the Kubernetes manifests hold what a working deployment needs. */
class DeploymentFilesTest {
  private static final Yaml YAML = new Yaml(new SafeConstructor(new LoaderOptions()));

  @Test
  void composeHasAControllerAndScalableWorkersOnOneSharedVolume() throws IOException {
    Map<String, Object> compose = load(Path.of("docker/compose.yaml"));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsOnlyKeys("controller", "worker");
    Map<String, Object> controller = map(services.get("controller"));
    Map<String, Object> worker = map(services.get("worker"));

    assertThat(list(controller.get("ports"))).contains("8080:8080");
    assertThat(worker).doesNotContainKey("ports").doesNotContainKey("container_name");
    for (Map<String, Object> service : List.of(controller, worker)) {
      assertThat(list(service.get("volumes"))).containsExactly("flowbus-data:/data");
      assertThat(service.get("init")).isEqualTo(true);
      assertThat(list(service.get("networks"))).containsExactly("flowbus");
      assertThat(String.valueOf(map(service.get("healthcheck")).get("test"))).contains("/ready");
      assertThat(list(service.get("env_file"))).contains("common.env");
    }
    assertThat(map(compose.get("volumes"))).containsKey("flowbus-data");
    Map<String, Object> ipam = map(map(map(compose.get("networks")).get("flowbus")).get("ipam"));
    String subnet = String.valueOf(map(list(ipam.get("config")).get(0)).get("subnet"));
    assertThat(subnet).isEqualTo("172.28.0.0/16");

    Map<String, String> common = env(Path.of("docker/common.env"));
    assertThat(common.get("FLOWBUS_CLUSTER_MEMBERS")).isEqualTo("controller,worker");
    assertThat(common.get("FLOWBUS_CLUSTER_INTERFACE")).isEqualTo("172.28.*.*");
    assertThat(common.get("FLOWBUS_DATA_DIR")).isEqualTo("/data");
    assertThat(env(Path.of("docker/controller.env")).get("FLOWBUS_ROLES")).isEqualTo("controller");
    assertThat(env(Path.of("docker/worker.env")).get("FLOWBUS_ROLES")).isEqualTo("worker");
  }

  @Test
  void everyVariableTheDeploymentSetsIsAnOption() throws IOException {
    List<String> known = new ArrayList<>();
    CommandLine cli = new CommandLine(new NodeOptions()).setInterpolateVariables(false);
    cli.getCommandSpec().options().forEach(o -> known.add(o.defaultValue()));
    String defaults = String.join(" ", known.stream().map(String::valueOf).toList());
    List<Path> files =
        List.of(
            Path.of("docker/common.env"),
            Path.of("docker/controller.env"),
            Path.of("docker/worker.env"));
    for (Path file : files) {
      for (String variable : env(file).keySet()) {
        assertThat(defaults).as("%s in %s", variable, file).contains("${env:" + variable);
      }
    }
    for (String manifest : List.of("controller.yaml", "worker.yaml")) {
      for (Map<String, Object> e : containerEnv(Path.of("docker/kubernetes", manifest))) {
        String name = String.valueOf(e.get("name"));
        if (name.startsWith("FLOWBUS_")) {
          assertThat(defaults).as("%s in %s", name, manifest).contains("${env:" + name);
        }
      }
    }
  }

  @Test
  void kubernetesHasAHeadlessDiscoveryServiceProbesASharedVolumeAndTimeToDrain()
      throws IOException {
    Map<String, Object> headless = documents(Path.of("docker/kubernetes/services.yaml")).get(0);
    Map<String, Object> spec = map(headless.get("spec"));
    assertThat(spec.get("clusterIP")).isEqualTo("None");
    assertThat(spec.get("publishNotReadyAddresses")).isEqualTo(true);
    assertThat(String.valueOf(spec.get("ports"))).contains("5701");

    Map<String, Object> claim = load(Path.of("docker/kubernetes/volume.yaml"));
    assertThat(list(map(claim.get("spec")).get("accessModes"))).containsExactly("ReadWriteMany");

    for (String manifest : List.of("controller.yaml", "worker.yaml")) {
      Map<String, Object> pod =
          map(
              map(map(load(Path.of("docker/kubernetes", manifest)).get("spec")).get("template"))
                  .get("spec"));
      assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(45);
      Map<String, Object> container = map(list(pod.get("containers")).get(0));
      assertThat(String.valueOf(map(container.get("readinessProbe")).get("httpGet")))
          .contains("/ready");
      assertThat(String.valueOf(map(container.get("livenessProbe")).get("httpGet")))
          .contains("/health");
      assertThat(String.valueOf(container.get("volumeMounts"))).contains("/data");
      assertThat(String.valueOf(pod.get("volumes"))).contains("flowbus-data");
      Map<String, String> env = new LinkedHashMap<>();
      containerEnv(Path.of("docker/kubernetes", manifest))
          .forEach(e -> env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value"))));
      assertThat(env.get("FLOWBUS_KUBERNETES_SERVICE_DNS"))
          .startsWith("flowbus-cluster.$(POD_NAMESPACE).svc");
      assertThat(env.get("FLOWBUS_CLUSTER_HOST")).isEqualTo("$(POD_IP)");
      assertThat(env.get("FLOWBUS_DATA_DIR")).isEqualTo("/data");
      assertThat(env.get("FLOWBUS_ROLES")).isEqualTo(manifest.replace(".yaml", ""));
    }
    String kustomization = Files.readString(Path.of("docker/kubernetes/kustomization.yaml"));
    assertThat(kustomization)
        .contains("volume.yaml", "services.yaml", "controller.yaml", "worker.yaml");
  }

  @Test
  void theImageRunsAsNonRootUnderAnInitWithAHealthCheckAndTheExample() throws IOException {
    String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
    assertThat(dockerfile)
        .contains("USER flowbus")
        .contains("tini")
        .contains("HEALTHCHECK")
        .contains("COPY --chown=flowbus:flowbus example /app/example")
        .contains("FLOWBUS_CONFIG=/app/example/task_job_config.yaml")
        .contains("-jre");
  }

  private static List<Map<String, Object>> containerEnv(Path manifest) throws IOException {
    Map<String, Object> pod = map(map(map(load(manifest).get("spec")).get("template")).get("spec"));
    List<Map<String, Object>> env = new ArrayList<>();
    list(map(list(pod.get("containers")).get(0)).get("env")).forEach(e -> env.add(map(e)));
    return env;
  }

  private static Map<String, String> env(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }

  private static Map<String, Object> load(Path file) throws IOException {
    return documents(file).get(0);
  }

  private static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : YAML.loadAll(Files.readString(file))) {
      docs.add(map(doc));
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }
}
