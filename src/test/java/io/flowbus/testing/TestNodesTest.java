package io.flowbus.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNodesTest {
  @Test
  void portsForTestNodesLieBelowTheKernelsEphemeralRangeAndDiffer() {
    assumeThat(Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
        .as("Linux")
        .isTrue();
    int firstEphemeral = TestNodes.firstEphemeralPort();
    assertThat(firstEphemeral)
        .as("the range's first port, as the kernel has it")
        .isGreaterThan(1023);
    assumeThat(firstEphemeral).as("room below the ephemeral range").isGreaterThan(21000);

    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ports.add(TestNodes.freePort());
    }

    assertThat(ports).hasSize(200).allMatch(p -> p >= 20000 && p < Math.min(30000, firstEphemeral));
  }
}
