package io.flowbus.model;

import java.util.Locale;

/** What a schedule does when a time is due while its last run has not ended. */
public enum Overlap {
  /** The due time is skipped (and recorded as skipped). */
  SKIP,
  /** A new run starts beside the one still going. */
  ALLOW,
  /** The run still going is cancelled, then the new one starts. */
  CANCEL_PREVIOUS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The overlap named {@code text} ({@code skip}, {@code allow}, {@code cancel_previous}); null if
   * none.
   */
  public static Overlap of(String text) {
    for (Overlap o : values()) {
      if (o.wireName().equals(text)) {
        return o;
      }
    }
    return null;
  }
}
