package io.flowbus.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One command-line argument with {@code {name}} placeholders, e.g. {@code --id={data_id}}. A brace
 * right after {@code $} is left alone: {@code ${HOME}} is a shell variable, not a placeholder.
 */
public final class ArgTemplate {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("(?<!\\$)\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

  private final String text;
  private final List<String> literals;
  private final List<String> names;

  private ArgTemplate(String text, List<String> literals, List<String> names) {
    this.text = text;
    this.literals = literals;
    this.names = names;
  }

  /** Parses {@code text}; a brace that does not enclose a valid name is kept as written. */
  public static ArgTemplate parse(String text) {
    List<String> literals = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int last = 0;
    while (m.find()) {
      literals.add(text.substring(last, m.start()));
      names.add(m.group(1));
      last = m.end();
    }
    literals.add(text.substring(last));
    return new ArgTemplate(text, List.copyOf(literals), List.copyOf(names));
  }

  /** A template that is exactly one placeholder, as the seed's bare {@code - {url}} means. */
  public static ArgTemplate placeholder(String name) {
    return new ArgTemplate("{" + name + "}", List.of("", ""), List.of(name));
  }

  public Set<String> placeholders() {
    return new LinkedHashSet<>(names);
  }

  /** Fills every placeholder with {@code values.apply(name)}. */
  public String render(UnaryOperator<String> values) {
    StringBuilder out = new StringBuilder(literals.get(0));
    for (int i = 0; i < names.size(); i++) {
      String value = values.apply(names.get(i));
      out.append(value == null ? "" : value).append(literals.get(i + 1));
    }
    return out.toString();
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArgTemplate other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
