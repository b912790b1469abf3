package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryTextTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL                      | true",
        "a=1&b=x+y                 | true",
        "msg=caf%C3%A9             | true",
        "msg=%EF%BF%BD             | true", // U+FFFD itself, sent on purpose
        "msg=%F0%9F%98%80          | true",
        "msg=%FF%FE                | false",
        "msg=caf%C3                | false", // cut inside a character
        "m%C3%28=1                 | false",
        "msg=%ED%A0%80             | false", // a surrogate, which UTF-8 may not encode
      })
  void aQueryIsUtf8OnlyIfItsBytesAre(String query, boolean utf8) {
    assertThat(QueryText.isUtf8(query)).isEqualTo(utf8);
  }
}
