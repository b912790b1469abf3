package io.flowbus.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String LONG = "Bearer 0123456789abcdefghijklmnopqrstuvwxyz";

  // --- whole values ----------------------------------------------------------------------------

  @Test
  void wholeSecretsAreMaskedWhereverTheyAppear() {
    assertThat(Secrets.mask("a " + LONG + " b " + LONG, List.of(LONG))).isEqualTo("a *** b ***");
    assertThat(Secrets.mask(LONG, List.of(LONG))).isEqualTo("***");
  }

  @Test
  void textWithoutSecretsIsReturnedAsItIs() {
    String text = "nothing secret here \uD800 (a lone surrogate stays)";
    assertThat(Secrets.mask(text, List.of(LONG))).isSameAs(text);
    assertThat(Secrets.mask(null, List.of(LONG))).isNull();
    assertThat(Secrets.mask(text, List.of())).isSameAs(text);
  }

  @Test
  void nullAndEmptySecretsAreIgnored() {
    assertThat(Secrets.mask("a k b", Arrays.asList("", null, "k"))).isEqualTo("a *** b");
    assertThat(Secrets.of(Arrays.asList("", null)).isEmpty()).isTrue();
  }

  // --- prefixes --------------------------------------------------------------------------------

  @Test
  void everyPrefixOfEightCharactersOrMoreIsMasked() {
    for (int n = Secrets.MIN_PREFIX; n <= LONG.length(); n++) {
      String cut = LONG.substring(0, n);
      assertThat(Secrets.mask("token '" + cut + "...': bad", List.of(LONG)))
          .as("prefix of %d characters", n)
          .isEqualTo("token '***...': bad");
    }
  }

  @Test
  void prefixesShorterThanEightCharactersStay() {
    for (int n = 1; n < Secrets.MIN_PREFIX; n++) {
      String text = "token '" + LONG.substring(0, n) + "'";
      assertThat(Secrets.mask(text, List.of(LONG))).as("prefix of %d", n).isEqualTo(text);
    }
  }

  @Test
  void aJacksonMessageCuttingA336CharacterSecretAt256ShowsNoneOfIt() {
    String secret = "Bearer " + "x1y2z3".repeat(54) + "abcde"; // 336 characters
    assertThat(secret).hasSize(336);
    String message =
        "spawn.json is malformed: Unrecognized token '"
            + secret.substring(0, 256)
            + "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
            + " 'false') (line 1, column 257)";

    String masked = Secrets.mask(message, List.of(secret));

    assertThat(masked).contains("Unrecognized token '***'").doesNotContain(secret.substring(0, 8));
  }

  @Test
  void shortSecretsAreMaskedOnlyWhole() {
    assertThat(Secrets.mask("pass1 pass12 pas", List.of("pass12"))).isEqualTo("pass1 *** pas");
    // seven characters: whole only
    assertThat(Secrets.mask("abcdef abcdefg", List.of("abcdefg"))).isEqualTo("abcdef ***");
  }

  @Test
  void aSecretOfExactlyEightCharactersIsMaskedWholeOnly() {
    assertThat(Secrets.mask("abcdefg abcdefgh", List.of("abcdefgh"))).isEqualTo("abcdefg ***");
  }

  @Test
  void aPrefixFollowedByOtherTextMasksOnlyThePrefix() {
    assertThat(Secrets.mask("[" + LONG.substring(0, 12) + "#tail]", List.of(LONG)))
        .isEqualTo("[***#tail]");
  }

  @Test
  void aPrefixAtTheVeryEndIsMasked() {
    assertThat(Secrets.mask("ends with " + LONG.substring(0, 9), List.of(LONG)))
        .isEqualTo("ends with ***");
  }

  // --- several secrets, overlaps -----------------------------------------------------------------

  @Test
  void severalSecretsAndTheirPrefixesAreAllMasked() {
    String other = "ghp_ABCDEFGHIJKLMNOP";
    String text = "1:" + LONG + " 2:" + other.substring(0, 10) + " 3:" + LONG.substring(0, 8);
    assertThat(Secrets.mask(text, List.of(LONG, other, "k7"))).isEqualTo("1:*** 2:*** 3:***");
  }

  @Test
  void aSecretThatIsAPrefixOfAnotherDoesNotRevealTheLongerOne() {
    String shorter = LONG.substring(0, 10);
    assertThat(Secrets.mask("x " + LONG + " y", List.of(shorter, LONG))).isEqualTo("x *** y");
    assertThat(Secrets.mask("x " + LONG + " y", List.of(LONG, shorter))).isEqualTo("x *** y");
    // the longer one's prefix beyond the shorter secret is masked as one piece too
    assertThat(Secrets.mask("x " + LONG.substring(0, 20) + " y", List.of(shorter, LONG)))
        .isEqualTo("x *** y");
  }

  @Test
  void theLongestMatchAtAPlaceWinsWhateverTheOrder() {
    String a = "common-prefix-AAAA";
    String b = "common-prefix-BBBBBBBB";
    assertThat(Secrets.mask("<common-prefix-AAAA>", List.of(b, a))).isEqualTo("<***>");
    assertThat(Secrets.mask("<common-prefix-BBBBBBBB>", List.of(a, b))).isEqualTo("<***>");
    assertThat(Secrets.mask("<common-prefix-BBB>", List.of(a, b))).isEqualTo("<***>");
  }

  @Test
  void overlappingSecretsLeaveNoPrefixVisible() {
    String first = "abcdefgh12345678";
    String second = "12345678ijklmnop";
    String text = "<abcdefgh12345678ijklmnop>";

    String masked = Secrets.mask(text, List.of(first, second));

    assertThat(masked).isEqualTo("<***ijklmnop>");
    assertThat(masked).doesNotContain("abcdefgh").doesNotContain("12345678");
  }

  @Test
  void aSecretRepeatedBackToBackIsMaskedEachTime() {
    assertThat(Secrets.mask(LONG + LONG + LONG.substring(0, 8), List.of(LONG)))
        .isEqualTo("*********");
  }

  // --- characters beyond ASCII -----------------------------------------------------------------

  @Test
  void multiByteSecretsAndPrefixesAreMasked() {
    String secret = "pässwörd-秘密-🔑-long";
    assertThat(Secrets.mask("ü " + secret + " 日本", List.of(secret))).isEqualTo("ü *** 日本");
    assertThat(Secrets.mask("ü " + secret.substring(0, 11) + "x", List.of(secret)))
        .isEqualTo("ü ***x");
  }

  @Test
  void aPrefixNeverEndsInsideACharacter() {
    // 秘 and 私 share their first UTF-8 byte: the mask stops before it, the text stays valid
    String secret = "abcdefgh秘密";
    assertThat(Secrets.mask("abcdefgh私", List.of(secret))).isEqualTo("***私");
  }

  // --- the byte stream form ----------------------------------------------------------------------

  @Test
  void aScanThatMayNotSeeTheEndKeepsWhatCouldStillGrowIntoAMatch() throws IOException {
    Secrets secrets = Secrets.of(List.of(LONG));
    byte[] data = ("out " + LONG.substring(0, 20)).getBytes(UTF_8);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();

    int done =
        secrets.mask(
            data, Math.max(0, data.length - (secrets.longest() - 1)), data.length, w(sink));

    assertThat(done).isZero();
    assertThat(sink.size()).isZero();
    int all = secrets.mask(data, data.length, data.length, w(sink));
    assertThat(all).isEqualTo(data.length);
    assertThat(sink.toString(UTF_8)).isEqualTo("out ***");
  }

  private static Secrets.Sink w(ByteArrayOutputStream sink) {
    return sink::write;
  }
}
