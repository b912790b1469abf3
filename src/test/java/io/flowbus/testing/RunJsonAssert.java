package io.flowbus.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a run as the REST API answers it (SPEC §3): {@code
 * assertThatRun(json).hasState("SUCCEEDED").stage(0).hasCounts(Map.of("succeeded", 7))}. Every
 * failure prints the whole answer.
 */
public final class RunJsonAssert extends AbstractAssert<RunJsonAssert, JsonObject> {
  RunJsonAssert(JsonObject actual) {
    super(actual, RunJsonAssert.class);
  }

  public RunJsonAssert hasState(String expected) {
    return hasStateIn(expected);
  }

  public RunJsonAssert hasStateIn(String... expected) {
    isNotNull();
    String state = actual.getString("state");
    if (!Arrays.asList(expected).contains(state)) {
      fail("state " + String.join(" or ", expected) + " but it was " + state);
    }
    return this;
  }

  public RunJsonAssert hasErrorContaining(String... parts) {
    isNotNull();
    JsonAsserts.contains(this::fail, "an error", actual.getString("error"), parts);
    return this;
  }

  /** The value of job input {@code name} as shown: a secret shows as {@code ***}. */
  public RunJsonAssert hasInput(String name, String expected) {
    isNotNull();
    JsonObject inputs = actual.getJsonObject("inputs", new JsonObject());
    if (!inputs.containsKey(name) || !expected.equals(inputs.getString(name))) {
      fail("input " + name + "=" + expected + " but the inputs were " + inputs.encode());
    }
    return this;
  }

  /**
   * The stage at {@code index}, for assertions of its own; {@link StageJsonAssert#and()} comes
   * back.
   */
  public StageJsonAssert stage(int index) {
    isNotNull();
    JsonArray stages = actual.getJsonArray("stages", new JsonArray());
    if (index >= stages.size()) {
      fail("a stage " + index + " but it has " + stages.size());
    }
    return new StageJsonAssert(this, stages.getJsonObject(index));
  }

  void fail(String expectation) {
    failWithMessage(
        "Expected run %s to have %s.%nRun: %s",
        actual.getString("id"), expectation, actual.encodePrettily());
  }
}
