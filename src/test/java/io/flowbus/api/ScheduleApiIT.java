package io.flowbus.api;

import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §8's schedule routes against a real node: list, show, pause, resume, trigger. */
class ScheduleApiIT {
  @TempDir static Path data;
  static Node node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNodes.startAlone("src/test/resources/it/schedule_jobs.yaml", data, 2, null);
    http = TestNodes.http(node);
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  @Test
  void theListShowsEachScheduleWithItsNextFire() {
    Http.Response list = http.get("/api/schedules");

    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().containsKey("next")).isTrue();
    assertThat(list.json().getString("next")).isNull();
    var items = list.json().getJsonArray("items");
    assertThat(items).hasSize(1);
    JsonObject newYear = items.getJsonObject(0);
    assertThat(newYear.getString("id")).isEqualTo("new-year");
    assertThat(newYear.getString("job")).isEqualTo("write");
    assertThat(newYear.getString("cron")).isEqualTo("0 0 1 1 *");
    assertThat(newYear.getString("timezone")).isEqualTo("Europe/Berlin");
    assertThat(newYear.getJsonObject("inputs"))
        .isEqualTo(new JsonObject().put("item", "fireworks"));
    assertThat(newYear.getString("overlap")).isEqualTo("skip");
    int nextYear = ZonedDateTime.now(ZoneId.of("Europe/Berlin")).getYear() + 1;
    assertThat(Instant.parse(newYear.getString("next_fire_at")))
        .isEqualTo(
            ZonedDateTime.of(nextYear, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Berlin")).toInstant());
    assertThat(http.get("/api/schedules?limit=1").json().getJsonArray("items")).hasSize(1);
    assertThat(http.get("/api/schedules?after=new-year").json().getJsonArray("items")).isEmpty();
    assertThat(http.get("/api/schedules?after=nope").status()).isEqualTo(400);
    assertThat(http.get("/api/schedules?bogus=1").status()).isEqualTo(400);
  }

  @Test
  void aTriggerByHandAnswersLikeARunCreationAndTheRunShowsItsSchedule() {
    Http.Response triggered = http.post("/api/schedules/new-year/trigger");

    assertThat(triggered.status()).isEqualTo(201);
    String id = triggered.json().getString("id");
    assertThat(triggered.header("Location")).isEqualTo("/api/runs/" + id);
    JsonObject run = awaitEnded(http, id);
    assertThatRun(run).hasState("SUCCEEDED").hasInput("item", "fireworks");
    assertThat(run.getJsonObject("trigger"))
        .isEqualTo(new JsonObject().put("schedule", "new-year").putNull("due_at"));
    JsonObject schedule = http.get("/api/schedules/new-year").json();
    assertThat(schedule.getString("last_run")).isEqualTo(id);
    assertThat(schedule.getString("last_fire_at")).isNotNull();
  }

  @Test
  void pauseAndResumeShowInTheScheduleAndAnswerItAgainWhenAlreadySo() {
    Http.Response paused = http.post("/api/schedules/new-year/pause");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().getBoolean("paused")).isTrue();
    assertThat(paused.json().getValue("next_fire_at")).isNull();
    assertThat(http.post("/api/schedules/new-year/pause").json().getBoolean("paused")).isTrue();
    assertThat(http.get("/api/schedules/new-year").json().getBoolean("paused")).isTrue();

    Http.Response resumed = http.post("/api/schedules/new-year/resume");
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().getBoolean("paused")).isFalse();
    assertThat(resumed.json().getString("next_fire_at")).isNotNull();
  }

  @Test
  void anUnknownScheduleIsA404ProblemOnEveryRoute() {
    for (Http.Response answer :
        java.util.List.of(
            http.get("/api/schedules/nope"),
            http.post("/api/schedules/nope/pause"),
            http.post("/api/schedules/nope/resume"),
            http.post("/api/schedules/nope/trigger"))) {
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
      assertThat(answer.json().getString("detail")).contains("no schedule has the id 'nope'");
    }
  }
}
