package io.flowbus.model;

import java.util.Collection;

/** How secret values are shown. */
public final class Secrets {
  public static final String MASK = "***";

  private Secrets() {}

  /** Replaces every occurrence of each secret in {@code text}. */
  public static String mask(String text, Collection<String> secrets) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    // longest first: a secret that begins another must not leave the other's tail visible
    for (String secret :
        secrets.stream()
            .filter(s -> s != null && !s.isEmpty())
            .sorted((a, b) -> b.length() - a.length())
            .toList()) {
      out = out.replace(secret, MASK);
    }
    return out;
  }
}
