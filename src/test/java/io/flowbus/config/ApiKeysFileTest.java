package io.flowbus.config;

import static io.flowbus.config.AccessRole.ADMIN;
import static io.flowbus.config.AccessRole.OPERATE;
import static io.flowbus.config.AccessRole.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys file: {@code <key> <role>} lines, comments and blanks, errors with file and line. */
class ApiKeysFileTest {
  private static final String SOURCE = "--api-keys-file /etc/keys";

  @TempDir Path dir;

  @Test
  void keysWithTheirRolesCommentsAndBlankLinesSkipped() {
    Map<String, ApiKeysFile.Entry> keys =
        parse(
            "# monitoring",
            "m0n-key read",
            "",
            "   ",
            "  0ps-key\tOperate   # on-call, case does not matter",
            "adm#n-key admin #a '#' inside a key is part of it",
            "m0n-key read");

    assertThat(keys)
        .containsExactly(
            Map.entry("m0n-key", new ApiKeysFile.Entry(READ, 2)),
            Map.entry("0ps-key", new ApiKeysFile.Entry(OPERATE, 5)),
            Map.entry("adm#n-key", new ApiKeysFile.Entry(ADMIN, 6)));
  }

  @Test
  void anUnknownRoleNamesTheLineButNotTheWord() {
    assertThatThrownBy(() -> parse("a read", "# x", "b-secret c-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(SOURCE + " line 3: the role must be read, operate or admin");
  }

  @Test
  void aMissingRoleOrAnExtraWordNamesTheLine() {
    assertThatThrownBy(() -> parse("lonely-key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(SOURCE + " line 1: a key needs a role after it: '<key> <role>'")
        .hasMessageNotContaining("lonely-key");
    assertThatThrownBy(() -> parse("", "k read extra"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(SOURCE + " line 2: a line is '<key> <role>', this one has 3 words");
  }

  @Test
  void theSameKeyWithAnotherRoleNamesBothLines() {
    assertThatThrownBy(() -> parse("k read", "other admin", "k admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(SOURCE + " line 3: this key is also on line 1, as read there and admin here");
  }

  @Test
  void aFileWithNoKeyIsRefusedRatherThanLeavingTheApiOpen() {
    assertThatThrownBy(() -> parse("# nothing yet", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(SOURCE + " holds no key");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ApiKeysFile.read(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--api-keys-file " + missing + " does not exist");
  }

  @Test
  void theKeysOfTheFileJoinTheAdminKey() throws Exception {
    Path file = Files.writeString(dir.resolve("keys"), "r read\no operate\n");

    ApiKeys keys = ApiKeySource.resolve("full", null, file.toString());

    assertThat(keys.size()).isEqualTo(3);
    assertThat(keys.roleOf("full")).isEqualTo(ADMIN);
    assertThat(keys.roleOf("r")).isEqualTo(READ);
    assertThat(keys.roleOf("o")).isEqualTo(OPERATE);
    assertThat(keys.roleOf("unknown")).isNull();
    assertThat(keys.roleOf(null)).isNull();
    assertThat(ApiKeySource.resolve(null, null, file.toString()).roleOf("full")).isNull();
    assertThat(ApiKeySource.resolve(null, null, null).isEmpty()).isTrue();
  }

  @Test
  void theAdminKeyGivenAnotherRoleInTheFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("keys"), "full read\n");

    assertThatThrownBy(() -> ApiKeySource.resolve("full", null, file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--api-keys-file "
                + file
                + " gives the key of --api-key the role read, but that key has every right"
                + " (admin)");
    Files.writeString(file, "full admin\n");
    assertThat(ApiKeySource.resolve("full", null, file.toString()).size()).isEqualTo(1);
  }

  @Test
  void rolesAllowWhatTheRolesBeforeThemAllow() {
    assertThat(READ.allows(READ)).isTrue();
    assertThat(READ.allows(OPERATE)).isFalse();
    assertThat(OPERATE.allows(READ)).isTrue();
    assertThat(OPERATE.allows(ADMIN)).isFalse();
    assertThat(ADMIN.allows(OPERATE)).isTrue();
  }

  private static Map<String, ApiKeysFile.Entry> parse(String... lines) {
    return ApiKeysFile.parse(SOURCE, List.of(lines));
  }
}
