package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which the effects of one run's writes are carried out, held back or dropped. */
class PendingWritesTest {
  private final PendingWrites writes = new PendingWrites("r1");
  private final List<String> done = new ArrayList<>();
  private final List<Throwable> dropped = new ArrayList<>();

  private void then(String effect) {
    writes.then(() -> done.add(effect), dropped::add);
  }

  @Test
  void anEffectWithNothingOnItsWayIsCarriedOutAtOnce() {
    then("a");

    assertThat(done).containsExactly("a");
    assertThat(writes.idle()).isTrue();
  }

  @Test
  void anEffectWaitsForTheWritesSubmittedBeforeItAndNoLater() {
    long first = writes.submit();
    then("after first");
    long second = writes.submit();
    then("after second");

    writes.written(first, null);
    assertThat(done).containsExactly("after first");
    assertThat(writes.idle()).isFalse();

    writes.written(second, null);
    assertThat(done).containsExactly("after first", "after second");
    assertThat(writes.idle()).isTrue();
  }

  @Test
  void afterAFailedWriteNothingIsCarriedOutAndTheRollBackStartsOnceTheLastWriteIsBack() {
    IOException full = new IOException("no space left");
    long first = writes.submit();
    then("after first");
    long second = writes.submit();
    then("after second");

    assertThat(writes.written(first, full)).as("the first failure").isTrue();
    assertThat(writes.startRollBack()).as("a write is still on its way").isFalse();
    assertThat(writes.written(second, null)).isFalse();
    then("later");

    assertThat(done).isEmpty();
    assertThat(writes.failed()).isTrue();
    assertThat(writes.writtenAfterFailure()).isEqualTo(1);
    assertThat(writes.failures()).isEqualTo(1);
    assertThat(writes.startRollBack()).isTrue();
    assertThat(writes.startRollBack()).as("only once").isFalse();

    writes.dropAll();
    assertThat(dropped).containsExactly(full, full, full);
    assertThat(done).isEmpty();
  }

  @Test
  void theWritesAfterARollBackKeepCountingFailuresUntilOneSucceeds() {
    PendingWrites fresh = new PendingWrites("r1", 2);
    long failed = fresh.submit();
    fresh.written(failed, new IOException("still full"));
    assertThat(fresh.failures()).isEqualTo(3);

    PendingWrites recovered = new PendingWrites("r1", 3);
    recovered.written(recovered.submit(), null);
    assertThat(recovered.failures()).isZero();
  }
}
