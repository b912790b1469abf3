package io.flowbus.testing;

import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an error answer (SPEC §3: RFC 9457 {@code application/problem+json}): {@code
 * assertThatProblem(http.get(...)).hasStatus(400).hasDetail("...")}. Every failure prints the whole
 * answer.
 */
public final class ProblemAssert extends AbstractAssert<ProblemAssert, Http.Response> {
  ProblemAssert(Http.Response actual) {
    super(actual, ProblemAssert.class);
  }

  /** The status, and a problem+json body that says the same status. */
  public ProblemAssert hasStatus(int expected) {
    isNotNull();
    if (actual.status() != expected) {
      fail("status " + expected + " but it was " + actual.status());
    }
    if (!"application/problem+json".equals(actual.header("Content-Type"))) {
      fail("a problem+json answer but it was " + actual.header("Content-Type"));
    }
    Integer status = actual.json().getInteger("status");
    if (status == null || status != expected) {
      fail("a problem of status " + expected + " in its body");
    }
    return this;
  }

  public ProblemAssert hasDetail(String expected) {
    isNotNull();
    String detail = actual.json().getString("detail");
    if (!expected.equals(detail)) {
      fail("the detail '" + expected + "' but it was '" + detail + "'");
    }
    return this;
  }

  private void fail(String expectation) {
    failWithMessage("Expected an answer with %s.%nAnswer: %s", expectation, actual.body());
  }
}
