package io.flowbus.definitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flowbus.model.JobDef;
import io.flowbus.model.NotifyTarget;
import io.flowbus.model.RunState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A job's {@code notify:} list: {@code on} is a word, URLs are checked when the file loads. */
class NotifyDefinitionsTest {
  private static JobDef job(String notify) throws DefinitionsException {
    return DefinitionsLoader.parse(
            """
            tasks: {t: {exec_command: echo}}
            jobs:
              j:
                stages: [{name: s, task_class: t}]
                notify:
            %s
            """
                .formatted(notify.indent(6).stripTrailing()),
            "test.yaml")
        .job("j")
        .orElseThrow();
  }

  @Test
  void onIsTheWordNotTheBooleanTrue() throws DefinitionsException {
    JobDef job =
        job(
            """
            - url: https://hooks.example/a
              on: [failed]
            - {url: "http://127.0.0.1:9000/b", "on": [succeeded, cancelled]}
            - {url: "HTTPS://hooks.example/c", On: [failed]}
            """
                .replace("On:", "on:"));

    assertThat(job.notifications())
        .containsExactly(
            new NotifyTarget("https://hooks.example/a", Set.of(RunState.FAILED)),
            new NotifyTarget(
                "http://127.0.0.1:9000/b", Set.of(RunState.SUCCEEDED, RunState.CANCELLED)),
            new NotifyTarget("HTTPS://hooks.example/c", Set.of(RunState.FAILED)));
  }

  @Test
  void aBooleanLookingKeyOtherThanOnIsStillUnknown() {
    DefinitionsException e =
        catchThrowableOfType(
            DefinitionsException.class,
            () -> job("- {url: https://hooks.example/a, on: [failed], yes: true}"));

    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("jobs.j.notify[0].yes");
              assertThat(p.message()).startsWith("unknown key 'yes'");
              assertThat(p.line()).isEqualTo(6);
              assertThat(p.column()).isPositive();
            });
  }

  @Test
  void aJobWithoutNotifyNotifiesNobody() throws DefinitionsException {
    JobDef job =
        DefinitionsLoader.parse(
                "tasks: {t: {exec_command: echo}}\njobs: {j: {stages: [{name: s, task_class: t}]}}",
                "test.yaml")
            .job("j")
            .orElseThrow();

    assertThat(job.notifications()).isEmpty();
  }

  @Test
  void notifyMustBeAList() {
    DefinitionsException e =
        catchThrowableOfType(
            DefinitionsException.class, () -> job("{url: https://hooks.example/a, on: [failed]}"));

    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("jobs.j.notify");
              assertThat(p.message()).contains("must be a list");
            });
  }
}
