package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.model.Secrets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {
  private static final String SECRET = "Basic s3cret";

  @Test
  void theSameRequestHasTheSameFingerprintWhateverTheOrderOfItsInputs() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");

    assertThat(RequestFingerprint.of(create(ab, Map.of(), true)))
        .isEqualTo(RequestFingerprint.of(create(ba, Map.of(), true)))
        .hasSize(64)
        .matches("[0-9a-f]+");
  }

  @Test
  void otherInputsOrAnotherStartGiveAnotherFingerprint() {
    String base = RequestFingerprint.of(create(Map.of("a", "1"), Map.of(), true));

    assertThat(RequestFingerprint.of(create(Map.of("a", "2"), Map.of(), true))).isNotEqualTo(base);
    assertThat(RequestFingerprint.of(create(Map.of("a", "1", "b", ""), Map.of(), true)))
        .isNotEqualTo(base);
    assertThat(RequestFingerprint.of(create(Map.of("a", "1"), Map.of(), false))).isNotEqualTo(base);
    assertThat(RequestFingerprint.of(create(Map.of("a", "1"), Map.of("authorization", "x"), true)))
        .isNotEqualTo(base);
  }

  @Test
  void headerValuesNeverEnterTheFingerprintButAreComparedWithTheRun() {
    CreateRun same = create(Map.of("data_id", "42"), Map.of("authorization", SECRET), true);
    CreateRun other = create(Map.of("data_id", "42"), Map.of("authorization", "Basic other"), true);
    var run = aRun().build(); // its token, read from the Authorization header, is SECRET

    assertThat(RequestFingerprint.of(same)).isEqualTo(RequestFingerprint.of(other));
    assertThat(RequestFingerprint.sameSecrets(run, same)).isTrue();
    assertThat(RequestFingerprint.sameSecrets(run, other)).isFalse();
  }

  @Test
  void aSecretTheRunNoLongerKnowsCannotDiffer() {
    var run = aRun().withInput("token", Secrets.MASK).build();

    assertThat(
            RequestFingerprint.sameSecrets(
                run, create(Map.of(), Map.of("authorization", "anything"), true)))
        .isTrue();
  }

  private static CreateRun create(
      Map<String, String> params, Map<String, String> headers, boolean start) {
    return new CreateRun("fetch-all", params, headers, start, "k");
  }
}
