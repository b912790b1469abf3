package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JournalLineTest {
  private static final String JSON = "{\"type\":\"started\",\"note\":\"caf\u00e9 \u2028 done\"}";

  @Test
  void aLineCarriesTheChecksumOfItsJsonAndDecodesBackToIt() throws Exception {
    String line = JournalLine.encode(JSON);

    assertThat(line).matches("(?s)[0-9a-f]{8} \\{.*").hasSize(JSON.length() + 9);
    assertThat(JournalLine.decode(line)).isEqualTo(JSON);
  }

  @Test
  void aLineWrittenBeforeChecksumsIsReadAsItIs() throws Exception {
    assertThat(JournalLine.decode(JSON)).isEqualTo(JSON);
  }

  @Test
  void aChangedCharacterIsTold() {
    String line = JournalLine.encode(JSON).replace("started", "stArted");

    assertThatThrownBy(() -> JournalLine.decode(line))
        .isInstanceOf(JournalLine.CorruptLineException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void somethingThatIsNoJournalLineIsTold() {
    assertThatThrownBy(() -> JournalLine.decode("\0\0garbage"))
        .isInstanceOf(JournalLine.CorruptLineException.class)
        .hasMessageContaining("not a journal line (9 characters starting '??garbage')");
  }
}
