package io.flowbus.testing;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one stage of a run answered by the REST API; failures print the whole run. */
public final class StageJsonAssert extends AbstractAssert<StageJsonAssert, JsonObject> {
  private final RunJsonAssert run;

  StageJsonAssert(RunJsonAssert run, JsonObject stage) {
    super(stage, StageJsonAssert.class);
    this.run = run;
  }

  /** Back to the run. */
  public RunJsonAssert and() {
    return run;
  }

  public StageJsonAssert hasState(String expected) {
    return hasStateIn(expected);
  }

  public StageJsonAssert hasStateIn(String... expected) {
    String state = actual.getString("state");
    if (!Arrays.asList(expected).contains(state)) {
      fail("state " + String.join(" or ", expected) + " but it was " + state);
    }
    return this;
  }

  /**
   * Some of the task counts of the stage, by their names in the answer: {@code total}, {@code
   * pending}, {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}. Counts left
   * out are not checked.
   */
  public StageJsonAssert hasCounts(Map<String, Integer> expected) {
    JsonObject tasks = actual.getJsonObject("tasks", new JsonObject());
    expected.forEach(
        (name, count) -> {
          if (!count.equals(tasks.getInteger(name))) {
            fail(count + " " + name + " tasks but the counts were " + tasks.encode());
          }
        });
    return this;
  }

  public StageJsonAssert hasSpawnState(String expected) {
    String state = spawn().getString("state");
    if (!expected.equals(state)) {
      fail("a spawn task " + expected + " but it was " + state);
    }
    return this;
  }

  public StageJsonAssert hasSpawnErrorContaining(String... parts) {
    JsonAsserts.contains(this::fail, "a spawn task error", spawn().getString("error"), parts);
    return this;
  }

  private JsonObject spawn() {
    JsonObject spawn = actual.getJsonObject("spawn");
    if (spawn == null) {
      fail("a spawn task but it has none");
    }
    return spawn;
  }

  private void fail(String expectation) {
    run.fail("stage " + actual.getInteger("index") + " with " + expectation);
  }
}
