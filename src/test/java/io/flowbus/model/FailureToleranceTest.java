package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureToleranceTest {
  @ParameterizedTest(name = "{0}% of {1} is {2}")
  @CsvSource({"5, 100, 5", "5, 119, 5", "5, 120, 6", "1, 10000, 100", "1, 99, 0", "100, 7, 7"})
  void aPercentageOfTheInstancesIsRoundedDown(int percent, int instances, int allowed) {
    assertThat(FailureTolerance.percent(percent).allowed(instances)).isEqualTo(allowed);
  }

  @Test
  void aCountDoesNotDependOnTheInstances() {
    assertThat(FailureTolerance.count(3).allowed(1)).isEqualTo(3);
    assertThat(FailureTolerance.count(3).allowed(1000)).isEqualTo(3);
  }

  @Test
  void jobFailedOnErrorIsNoneOrAll() {
    assertThat(FailureTolerance.NONE.none()).isTrue();
    assertThat(FailureTolerance.percent(0).none()).isTrue();
    assertThat(FailureTolerance.ALL.all()).isTrue();
    assertThat(FailureTolerance.ALL.allowed(12)).isEqualTo(12);
    assertThat(FailureTolerance.count(1).none()).isFalse();
    assertThat(new StageDef("s", "t", null, false, 0).tolerance()).isEqualTo(FailureTolerance.ALL);
    assertThat(new StageDef("s", "t", null, true, 0).jobFailedOnError()).isTrue();
  }

  @Test
  void itIsShownAsTheFileSpellsIt() {
    assertThat(FailureTolerance.count(3)).hasToString("3");
    assertThat(FailureTolerance.percent(5)).hasToString("5%");
  }
}
