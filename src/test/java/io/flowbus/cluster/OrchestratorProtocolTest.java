package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.OrchestratorRequest.Follow;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorProtocolTest {
  @Test
  void everyRequestIsAReadOrAWriteByItsType() {
    // encode and the orchestrator's endpoint take whatever is not a Read for a Write
    assertThat(OrchestratorRequest.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(OrchestratorRequest.Read.class, OrchestratorRequest.Write.class);
  }

  @Test
  void aCreateTravelsWithItsIdempotencyKeyOrWithout() {
    CreateRun keyed =
        new CreateRun("j", Map.of("n", "1"), Map.of("authorization", "x"), false, "key-1");
    CreateRun plain = new CreateRun("j", Map.of(), Map.of(), true);

    assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(keyed))).isEqualTo(keyed);
    assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(plain))).isEqualTo(plain);
    assertThat(plain.idempotencyKey()).isNull();
  }

  @Test
  void theScheduleRequestsTravelWithTheirScheduleAndKeepTheirKind() {
    for (OrchestratorRequest request :
        java.util.List.of(
            new ScheduleRequest.ListSchedules(),
            new ScheduleRequest.GetSchedule("nightly"),
            new ScheduleRequest.PauseSchedule("nightly"),
            new ScheduleRequest.ResumeSchedule("nightly"),
            new ScheduleRequest.TriggerSchedule("nightly"))) {
      assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(request)))
          .isEqualTo(request);
    }
    assertThat(new ScheduleRequest.GetSchedule("nightly"))
        .isInstanceOf(OrchestratorRequest.Read.class);
    assertThat(new ScheduleRequest.TriggerSchedule("nightly"))
        .isInstanceOf(OrchestratorRequest.Write.class);
  }

  @Test
  void aWatchTravelsWithItsRunAndIsARead() {
    OrchestratorRequest watch = new OrchestratorRequest.WatchRun("r-1", Follow.EVERY_CHANGE);

    assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(watch))).isEqualTo(watch);
    assertThat(watch).isInstanceOf(OrchestratorRequest.Read.class);
  }

  @Test
  void aSnapshotOrAWatchSaysWhatItsFollowerListensForEveryChangeUnlessItSays() {
    for (Follow follow : Follow.values()) {
      OrchestratorRequest watch = new OrchestratorRequest.WatchRun("r-1", follow);
      OrchestratorRequest snapshot = new OrchestratorRequest.RunSnapshot("r-1", follow);
      assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(watch))).isEqualTo(watch);
      assertThat(OrchestratorProtocol.decode(OrchestratorProtocol.encode(snapshot)))
          .isEqualTo(snapshot);
    }
    assertThat(
            OrchestratorProtocol.decode(
                new io.vertx.core.json.JsonObject().put("op", "snapshot").put("id", "r-1")))
        .isEqualTo(new OrchestratorRequest.RunSnapshot("r-1", Follow.EVERY_CHANGE));
  }
}
