package io.flowbus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.JarNode;
import io.flowbus.testing.NetworkNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code docker compose up --scale worker=3} without a Docker engine: docker/simulate-compose.sh
 * runs the controller and three workers in network namespaces with the compose file's environment.
 */
class SimulateComposeIT {
  @Test
  void aFanOutRunsOnEveryScaledWorker() throws Exception {
    Assumptions.assumeTrue(
        NetworkNamespaces.available(), "needs root and iproute2 for network namespaces");
    Process script =
        new ProcessBuilder("docker/simulate-compose.sh", "3").redirectErrorStream(true).start();
    script.getOutputStream().close();
    String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(script.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(script.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("cluster formed: controller + 3 workers")
        .contains("total_words=8892")
        .contains("every worker took part");
    assertThat(JarNode.jar()).exists();
    assertThat(Path.of("docker/common.env")).exists();
  }
}
