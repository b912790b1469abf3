package io.flowbus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeySourceTest {
  @TempDir Path dir;

  @Test
  void theFirstLineOfTheFileTrimmedIsTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("key"), "  s3cret-key \nsecond line\n");
    assertThat(ApiKeySource.resolve(null, file.toString())).isEqualTo("s3cret-key");
    assertThat(ApiKeySource.resolve("", file.toString())).isEqualTo("s3cret-key");
  }

  @Test
  void withoutAFileTheKeyOptionIsUsedAndNoneMeansNoKey() {
    assertThat(ApiKeySource.resolve(" k3y ", null)).isEqualTo("k3y");
    assertThat(ApiKeySource.resolve(null, " ")).isNull();
    assertThat(ApiKeySource.resolve(null, null)).isNull();
  }

  @Test
  void aMissingFileIsAnErrorNamingThePath() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ApiKeySource.resolve(null, missing.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--api-key-file " + missing + " does not exist");
  }

  @Test
  void anEmptyFileOrABlankFirstLineIsAnErrorNamingThePath() throws Exception {
    for (String content : new String[] {"", "\n", "   \nkey-on-line-two\n"}) {
      Path file = Files.writeString(dir.resolve("empty"), content);
      assertThatThrownBy(() -> ApiKeySource.resolve(null, file.toString()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--api-key-file " + file)
          .hasMessageContaining("holds no key");
    }
  }

  @Test
  void aDirectoryIsAnErrorNamingThePath() {
    assertThatThrownBy(() -> ApiKeySource.resolve(null, dir.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--api-key-file " + dir + " cannot be read");
  }

  @Test
  void bothFormsAtOnceAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("key"), "a");
    assertThatThrownBy(() -> ApiKeySource.resolve("b", file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
  }
}
