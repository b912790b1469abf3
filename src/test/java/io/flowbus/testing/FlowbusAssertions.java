package io.flowbus.testing;

import io.flowbus.model.Run;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.Assertions;

/**
 * The one entry point for assertions in tests: every AssertJ assertion, plus those on runs. Import
 * {@code static io.flowbus.testing.FlowbusAssertions.assertThat} in place of AssertJ's.
 */
public class FlowbusAssertions extends Assertions {
  protected FlowbusAssertions() {}

  public static RunAssert assertThat(Run run) {
    return new RunAssert(run);
  }

  /** An error answer of the REST API. */
  public static ProblemAssert assertThatProblem(Http.Response answer) {
    return new ProblemAssert(answer);
  }

  /** A run as the REST API answers it. */
  public static RunJsonAssert assertThatRun(JsonObject run) {
    return new RunJsonAssert(run);
  }
}
