package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorProtocolTest {
  @Test
  void aCreateTravelsWithItsIdempotencyKeyOrWithout() {
    CreateRun keyed =
        new CreateRun("j", Map.of("n", "1"), Map.of("authorization", "x"), false, "key-1");
    CreateRun plain = new CreateRun("j", Map.of(), Map.of(), true);

    assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(keyed))).isEqualTo(keyed);
    assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(plain))).isEqualTo(plain);
    assertThat(plain.idempotencyKey()).isNull();
  }
}
