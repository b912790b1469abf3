package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DownloadHeadersTest {
  @Test
  void plainAsciiNameIsQuotedAsIs() {
    assertThat(DownloadHeaders.attachment("report.html"))
        .isEqualTo("attachment; filename=\"report.html\"");
  }

  @Test
  void nonAsciiNameGetsAnAsciiFallbackAndAnRfc5987Form() {
    assertThat(DownloadHeaders.attachment("résumé 1.txt"))
        .isEqualTo(
            "attachment; filename=\"r_sum_ 1.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt");
  }

  @Test
  void quotesBackslashesAndControlCharactersCannotBreakTheHeader() {
    assertThat(DownloadHeaders.attachment("a\"b\\c\r\nd"))
        .isEqualTo("attachment; filename=\"a_b_c__d\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad");
  }
}
