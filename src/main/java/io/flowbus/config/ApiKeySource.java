package io.flowbus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the API keys come from: the one with every right from {@code --api-key} (in the process
 * environment, which other processes of the same user can read from {@code /proc/<pid>/environ}) or
 * {@code --api-key-file}, whose first line holds it and which only its owner need be able to read;
 * keys with a role each from {@code --api-keys-file} ({@link ApiKeysFile}).
 */
final class ApiKeySource {
  private ApiKeySource() {}

  /**
   * Every key, {@link ApiKeys#NONE} for none; throws {@link IllegalArgumentException} naming the
   * file (and line) that is bad.
   */
  static ApiKeys resolve(String key, String keyFile, String keysFile) {
    String admin = resolve(key, keyFile);
    if (keysFile == null || keysFile.isBlank()) {
      return ApiKeys.admin(admin);
    }
    Path file = Path.of(keysFile.trim()).toAbsolutePath();
    Map<String, AccessRole> roles = new LinkedHashMap<>();
    ApiKeysFile.read(file).forEach((k, entry) -> roles.put(k, entry.role()));
    if (admin != null) {
      AccessRole inFile = roles.put(admin, AccessRole.ADMIN);
      if (inFile != null && inFile != AccessRole.ADMIN) {
        throw new IllegalArgumentException(
            "--api-keys-file "
                + file
                + " gives the key of --api-key the role "
                + inFile.wireName()
                + ", but that key has every right (admin)");
      }
    }
    return ApiKeys.of(roles);
  }

  /**
   * The key, or null for none; throws {@link IllegalArgumentException} naming the file when it
   * cannot be read or holds no key, or when both forms are given.
   */
  static String resolve(String key, String file) {
    boolean hasKey = key != null && !key.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasKey && hasFile) {
      throw new IllegalArgumentException(
          "give the API key once: --api-key (FLOWBUS_API_KEY) or --api-key-file"
              + " (FLOWBUS_API_KEY_FILE), not both");
    }
    if (hasFile) {
      return read(Path.of(file.trim()).toAbsolutePath());
    }
    return hasKey ? key.trim() : null;
  }

  private static String read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--api-key-file " + file + " does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--api-key-file " + file + " cannot be read: " + e.getMessage(), e);
    }
    String key = lines.isEmpty() ? "" : lines.get(0).trim();
    if (key.isEmpty()) {
      throw new IllegalArgumentException(
          "--api-key-file " + file + " holds no key: its first line must be the key");
    }
    return key;
  }
}
