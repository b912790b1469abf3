package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DefinitionsStampTest {

  @Test
  void travelsAsJsonAndBack() {
    DefinitionsStamp stamp = new DefinitionsStamp(7, "abc123");

    assertThat(DefinitionsStamp.fromJson(stamp.toJson())).isEqualTo(stamp);
  }

  @Test
  void aMessageWithoutGenerationOrVersionIsNoStamp() {
    assertThatThrownBy(() -> DefinitionsStamp.fromJson(new JsonObject().put("version", "abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generation");
    assertThatThrownBy(() -> DefinitionsStamp.fromJson(new JsonObject().put("generation", 3)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLaterGenerationCoversAnEarlierOneAndNotTheOtherWayRound() {
    DefinitionsStamp wanted = new DefinitionsStamp(4, "new");

    assertThat(new DefinitionsStamp(4, "new").covers(wanted)).isTrue();
    assertThat(new DefinitionsStamp(5, "newer").covers(wanted)).isTrue();
    assertThat(new DefinitionsStamp(3, "old").covers(wanted)).isFalse();
  }
}
