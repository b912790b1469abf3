package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {
  static Object parse(String json) {
    return StrictJson.parse(Buffer.buffer(json));
  }

  static String refusal(String json) {
    try {
      parse(json);
    } catch (ProblemException e) {
      assertThat(e.status()).isEqualTo(400);
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + json);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": {\"n\": 1e400}}          | the number 1e400 at '/a/n' is beyond the range",
        "[1, -1E+999]                    | the number -1E+999 at '/1' is beyond the range",
        "{\"n\": 1e-400}                 | the number 1e-400 at '/n' cannot be kept exactly",
        "{\"n\": 3.14159265358979323846} | cannot be kept exactly as a 64-bit float",
        "{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}} | Duplicate field 'c'",
        "{\"s\": \"x\\u0000y\"}          | a string in the body holds a NUL character",
        "{\"k\\u0000\": true}            | a key in the body holds a NUL character",
        "{\"n\": NaN}                    | the body is not valid JSON",
        "{\"n\": Infinity}               | the body is not valid JSON",
        "{\"a\": 1,}                     | the body is not valid JSON",
      })
  void refusedWithAProblemNamingWhatAndWhere(String json, String message) {
    assertThat(refusal(json)).contains(message);
  }

  @Test
  void theRawNulCharacterIsRefusedToo() {
    assertThat(refusal("{\"s\": \"x\0y\"}")).contains("CTRL-CHAR, code 0");
  }

  @Test
  void faithfulValuesPassUnchanged() {
    JsonObject parsed =
        (JsonObject)
            parse(
                "{\"i\": 12, \"big\": 123456789012345678901234567890, \"f\": 1.5,"
                    + " \"e\": 1e300, \"max\": 1.7976931348623157E308, \"s\": \"a\\\\b\","
                    + " \"l\": [true, null]}");
    assertThat(parsed.getValue("i")).isEqualTo(12);
    assertThat(parsed.getValue("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(parsed.getDouble("f")).isEqualTo(1.5);
    assertThat(parsed.getDouble("e")).isEqualTo(1e300);
    assertThat(parsed.getDouble("max")).isEqualTo(Double.MAX_VALUE);
    assertThat(parsed.getString("s")).isEqualTo("a\\b");
    assertThat(parsed.getJsonArray("l")).isEqualTo(new JsonArray().add(true).addNull());
  }

  @Test
  void theSameKeyInDifferentObjectsIsFine() {
    assertThat(parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}")).isInstanceOf(JsonObject.class);
  }

  @Test
  void aNonObjectOrTrailingGarbageIsStillReported() {
    assertThat(parse("[1]")).isInstanceOf(JsonArray.class);
    assertThatThrownBy(() -> parse("{} {}")).isInstanceOf(ProblemException.class);
  }

  @Test
  void numbersKeepTheTextTheClientWrote() {
    StrictJson.Parsed parsed =
        StrictJson.read(
            Buffer.buffer(
                "{\"inputs\": {\"a\": 1e2, \"b\": -0, \"c\": 1E-7, \"d\": 12, \"a/b\": 0.5},"
                    + " \"l\": [3.0]}"));

    assertThat(parsed.numberText("/inputs/a")).isEqualTo("1e2");
    assertThat(parsed.numberText("/inputs/b")).isEqualTo("-0");
    assertThat(parsed.numberText("/inputs/c")).isEqualTo("1E-7");
    assertThat(parsed.numberText("/inputs/d")).isEqualTo("12");
    assertThat(parsed.numberText("/inputs/a~1b")).isEqualTo("0.5");
    assertThat(parsed.inputNumberText("a/b")).isEqualTo("0.5");
    assertThat(parsed.inputNumberText("s")).isNull();
    assertThat(parsed.numberTexts()).as("only the inputs' own numbers").hasSize(5);
  }
}
