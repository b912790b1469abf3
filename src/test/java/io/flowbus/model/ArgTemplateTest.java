package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArgTemplateTest {
  private static final Map<String, String> VALUES =
      Map.of("data_id", "42", "url", "https://x/f", "basic_auth", "Basic dTpw", "a.b", "dotted");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--data_id       | --data_id",
        "{data_id}       | 42",
        "--id={data_id}  | --id=42",
        "{url}?id={data_id}&again={data_id} | https://x/f?id=42&again=42",
        "--header=Authorization: {basic_auth} | --header=Authorization: Basic dTpw",
        "{a.b}           | dotted",
        "{missing}       | ''",
        "x{missing}y     | xy",
      })
  void rendersPlaceholders(String text, String expected) {
    assertThat(ArgTemplate.parse(text).render(VALUES::get)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is kept as written")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}",
        "{ data_id }",
        "{1abc}",
        "{data id}",
        "'{\"json\": true}'",
        "{data_id",
        "data_id}",
        "$HOME",
      })
  void bracesThatEncloseNoNameAreKeptAsWritten(String text) {
    ArgTemplate template = ArgTemplate.parse(text);

    assertThat(template.placeholders()).isEmpty();
    assertThat(template.render(name -> "X")).isEqualTo(text);
  }

  @Test
  void placeholdersAreListedOnceInOrder() {
    ArgTemplate template = ArgTemplate.parse("{b}-{a}-{b}-{c_1}");

    assertThat(template.placeholders()).containsExactly("b", "a", "c_1");
  }

  @Test
  void nestedBracesFillTheInnerPlaceholder() {
    assertThat(ArgTemplate.parse("{{data_id}}").render(VALUES::get)).isEqualTo("{42}");
  }

  @Test
  void valuesAreNotReadAsTemplatesAgain() {
    ArgTemplate template = ArgTemplate.parse("{a}{b}");

    assertThat(template.render(n -> n.equals("a") ? "{b}" : "B")).isEqualTo("{b}B");
  }

  @Test
  void aBarePlaceholderIsTheSameAsItsText() {
    ArgTemplate bare = ArgTemplate.placeholder("url");

    assertThat(bare.text()).isEqualTo("{url}");
    assertThat(bare).hasToString("{url}");
    assertThat(bare.placeholders()).containsExactly("url");
    assertThat(bare.render(VALUES::get)).isEqualTo("https://x/f");
    assertThat(bare)
        .isEqualTo(ArgTemplate.parse("{url}"))
        .hasSameHashCodeAs(ArgTemplate.parse("{url}"));
  }

  @Test
  void templatesAreEqualByText() {
    assertThat(ArgTemplate.parse("--id={data_id}"))
        .isEqualTo(ArgTemplate.parse("--id={data_id}"))
        .isNotEqualTo(ArgTemplate.parse("--id={url}"))
        .isNotEqualTo("--id={data_id}");
  }

  @Test
  void anEmptyArgumentStaysEmpty() {
    ArgTemplate empty = ArgTemplate.parse("");

    assertThat(empty.placeholders()).isEmpty();
    assertThat(empty.render(VALUES::get)).isEmpty();
  }
}
