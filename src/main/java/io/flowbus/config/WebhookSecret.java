package io.flowbus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared secret webhook notifications are signed with ({@code --webhook-secret} or the first
 * line of {@code --webhook-secret-file}). It never shows in a log: {@link #toString} hides it.
 */
public final class WebhookSecret {
  public static final WebhookSecret NONE = new WebhookSecret(null);

  private final byte[] bytes;

  private WebhookSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Tests and callers that hold the secret itself. */
  public static WebhookSecret of(String secret) {
    return secret == null || secret.isBlank()
        ? NONE
        : new WebhookSecret(secret.strip().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The secret given as a value or in a file, {@link #NONE} for none; throws {@link
   * IllegalArgumentException} naming the option when both are given or the file is bad.
   */
  static WebhookSecret resolve(String value, String file) {
    boolean hasValue = value != null && !value.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasValue && hasFile) {
      throw new IllegalArgumentException(
          "give the webhook secret once: --webhook-secret or --webhook-secret-file, not both");
    }
    return hasFile ? of(read(Path.of(file.strip()).toAbsolutePath())) : of(value);
  }

  private static String read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--webhook-secret-file " + file + " does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--webhook-secret-file " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IllegalArgumentException(
          "--webhook-secret-file " + file + " holds no secret: its first line must be the secret");
    }
    return lines.get(0);
  }

  public boolean isSet() {
    return bytes != null;
  }

  /** The secret's bytes (UTF-8), a copy; empty when none is set. */
  public byte[] bytes() {
    return bytes == null ? new byte[0] : bytes.clone();
  }

  @Override
  public String toString() {
    return isSet() ? "WebhookSecret[***]" : "WebhookSecret[none]";
  }
}
