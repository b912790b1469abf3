package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.flowbus.config.Role;
import io.flowbus.testing.TestNodes;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSetupTest {
  private final Config hz =
      ClusterSetup.hazelcast(
          TestNodes.config(
              Path.of("defs"),
              Path.of("data"),
              "c",
              Set.of(Role.CONTROLLER, Role.WORKER),
              2,
              null));

  @Test
  void hazelcastCollectsNoMetricsOfItsOwnAndExposesNoJmx() {
    assertThat(hz.getMetricsConfig().isEnabled()).isFalse();
    assertThat(hz.getMetricsConfig().getJmxConfig().isEnabled()).isFalse();
    assertThat(hz.getMetricsConfig().getManagementCenterConfig().isEnabled()).isFalse();
    assertThat(hz.getProperty("hazelcast.jmx")).isEqualTo("false");
  }

  @Test
  void hazelcastDoesNotPhoneHome() {
    assertThat(hz.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
  }
}
