package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.model.Secrets;
import io.flowbus.storage.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestFingerprintTest {
  private static final String SECRET = "Basic s3cret";

  @TempDir Path keys;

  @Test
  void theSameRequestHasTheSameFingerprintWhateverTheOrderOfItsInputs() throws Exception {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");

    assertThat(fingerprint(create(ab, Map.of(), true)))
        .isEqualTo(fingerprint(create(ba, Map.of(), true)))
        .hasSize(64)
        .matches("[0-9a-f]+");
  }

  @Test
  void otherInputsOrAnotherStartGiveAnotherFingerprint() throws Exception {
    String base = fingerprint(create(Map.of("a", "1"), Map.of(), true));

    assertThat(fingerprint(create(Map.of("a", "2"), Map.of(), true))).isNotEqualTo(base);
    assertThat(fingerprint(create(Map.of("a", "1", "b", ""), Map.of(), true))).isNotEqualTo(base);
    assertThat(fingerprint(create(Map.of("a", "1"), Map.of(), false))).isNotEqualTo(base);
    assertThat(fingerprint(create(Map.of("a", "1"), Map.of("authorization", "x"), true)))
        .isNotEqualTo(base);
  }

  @Test
  void headerValuesNeverEnterTheFingerprintButAreComparedWithTheRun() throws Exception {
    CreateRun same = create(Map.of("data_id", "42"), Map.of("authorization", SECRET), true);
    CreateRun other = create(Map.of("data_id", "42"), Map.of("authorization", "Basic other"), true);
    var run = aRun().build(); // its token, read from the Authorization header, is SECRET

    assertThat(fingerprint(same)).isEqualTo(fingerprint(other));
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

  @Test
  void theFingerprintIsKeyedSoAShortSecretCannotBeGuessedBackWithoutTheKey() throws Exception {
    CreateRun request = create(Map.of("pin", "1234"), Map.of(), true);
    SecretBox other = new SecretBox(keys.resolve("other/secrets.key"));

    assertThat(fingerprint(request)).isEqualTo(fingerprint(request)).hasSize(64);
    assertThat(RequestFingerprint.of(request, other)).isNotEqualTo(fingerprint(request));
    assertThat(fingerprint(request)).isNotEqualTo(RequestFingerprint.unkeyed(request));
  }

  @Test
  void theUnkeyedFingerprintIsTheOneRunsWereJournaledWithBefore() {
    assertThat(
            RequestFingerprint.unkeyed(
                create(Map.of("a", "1"), Map.of("authorization", "x"), true)))
        .isEqualTo(
            sha256("{\"params\":{\"a\":\"1\"},\"headers\":[\"authorization\"],\"start\":true}"));
  }

  private String fingerprint(CreateRun request) throws IOException {
    return RequestFingerprint.of(request, new SecretBox(keys.resolve("secrets.key")));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CreateRun create(
      Map<String, String> params, Map<String, String> headers, boolean start) {
    return new CreateRun("fetch-all", params, headers, start, "k");
  }
}
