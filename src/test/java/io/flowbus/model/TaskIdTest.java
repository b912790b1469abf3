package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskIdTest {

  @Test
  void canonicalIdsParseAsToStringWritesThem() {
    for (TaskId id :
        new TaskId[] {
          TaskId.task(0, 0),
          TaskId.task(3, 12345),
          TaskId.spawn(0),
          TaskId.spawn(999999),
          TaskId.task(12, 999999999)
        }) {
      assertThat(TaskId.parseCanonical(id.toString())).as(id.toString()).isEqualTo(id);
      assertThat(TaskId.parse(id.toString())).contains(id);
    }
  }

  @Test
  void anythingElseIsNotACanonicalId() {
    for (String text :
        new String[] {
          "s0-t01",
          "s00-t1",
          "s0-t",
          "s-t1",
          "s0-spawnx",
          "s0-spaw",
          "s0t1",
          "S0-t1",
          "s0-t1 ",
          "s1234567-t1",
          "s0-t1234567890",
          "s0-t-1",
          "",
          "s0-"
        }) {
      assertThat(TaskId.parseCanonical(text)).as(text).isNull();
    }
    assertThat(TaskId.parseCanonical(null)).isNull();
  }
}
