package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRunningFanOut;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Run;
import io.flowbus.model.TaskRun;
import org.junit.jupiter.api.Test;

class QueuedTasksTest {

  @Test
  void tasksAreToldApartByRunStageAndIndex() {
    Run run = aRunningFanOut(3).build();
    TaskRun spawn = run.stage(1).spawn();
    TaskRun first = run.stage(1).tasks().get(0);
    TaskRun last = run.stage(1).tasks().get(2);
    QueuedTasks queued = new QueuedTasks();

    assertThat(queued.add(first)).isTrue();
    assertThat(queued.add(first)).isFalse();
    assertThat(queued.add(spawn)).isTrue();

    assertThat(queued.contains(first)).isTrue();
    assertThat(queued.contains(spawn)).isTrue();
    assertThat(queued.contains(last)).isFalse();
    assertThat(queued.remove(last)).isFalse();
  }

  @Test
  void theSameTaskOfARunReplayedIsTheSameQueuedTask() {
    TaskRun before = aRunningFanOut(2).build().stage(1).tasks().get(1);
    TaskRun replayed = aRunningFanOut(2).build().stage(1).tasks().get(1);
    QueuedTasks queued = new QueuedTasks();

    queued.add(before);

    assertThat(replayed).isNotSameAs(before);
    assertThat(queued.contains(replayed)).isTrue();
    assertThat(queued.remove(replayed)).isTrue();
    assertThat(queued.contains(before)).isFalse();
    assertThat(queued.add(before)).isTrue();
  }
}
