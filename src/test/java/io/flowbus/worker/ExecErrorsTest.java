package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecErrorsTest {
  @Test
  void anErrnoIsToldInTheWordsOfLinux() {
    assertThat(ExecErrors.reason("errno 2")).isEqualTo("No such file or directory");
    assertThat(ExecErrors.reason("errno 13")).isEqualTo("Permission denied");
    assertThat(ExecErrors.reason("errno 4000")).isEqualTo("errno 4000");
    assertThat(ExecErrors.reason("Permission denied")).isEqualTo("Permission denied");
  }
}
