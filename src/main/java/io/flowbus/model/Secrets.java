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
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
