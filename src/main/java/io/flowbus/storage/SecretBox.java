package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Files the engine keeps secret values in, encrypted with AES-256-GCM. The key is a random 256-bit
 * key in a private key file (base64), made by the first node that needs it: nodes that start at
 * once race to link their candidate in place and all end up using the one that won. Each file is
 * bound to its place ({@code <folder>/<name>}), so a sealed file moved to another run does not
 * open.
 */
public final class SecretBox {
  private static final byte[] MAGIC = "FBS1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Path keyFile;
  private final SecureRandom random = new SecureRandom();
  private SecretKey key;

  public SecretBox(Path keyFile) {
    this.keyFile = keyFile.toAbsolutePath();
  }

  /** Whether {@code bytes} are what {@link #write} writes rather than clear text. */
  public static boolean isSealed(byte[] bytes) {
    return bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Encrypts {@code plain} into {@code file}, private to the engine and replaced atomically. */
  public void write(Path file, byte[] plain) throws IOException {
    PrivateFiles.write(file, seal(plain, context(file)));
  }

  /**
   * The clear content of a file {@link #write} wrote; an {@link IOException} saying so when it
   * cannot be decrypted (changed, cut, moved, or sealed with another key).
   */
  public byte[] read(Path file) throws IOException {
    return open(Files.readAllBytes(file), file);
  }

  /** Decrypts {@code sealed}, the bytes read from {@code file}. */
  public byte[] open(byte[] sealed, Path file) throws IOException {
    if (!isSealed(sealed) || sealed.length < MAGIC.length + IV_BYTES + TAG_BITS / 8) {
      throw new IOException(file + " is not an encrypted flowbus file");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key(),
          new GCMParameterSpec(TAG_BITS, sealed, MAGIC.length, IV_BYTES));
      cipher.updateAAD(context(file).getBytes(StandardCharsets.UTF_8));
      int at = MAGIC.length + IV_BYTES;
      return cipher.doFinal(sealed, at, sealed.length - at);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          file
              + " cannot be decrypted with the key in "
              + keyFile
              + ": it was changed or cut, or encrypted with another key",
          e);
    }
  }

  /**
   * An HMAC-SHA256 of {@code data} under a key derived from this box's key for {@code purpose}:
   * what a file may hold of a secret value to tell it again, without giving it away to whoever
   * lacks the key. Blocking the first time (the key is read, or made).
   */
  public byte[] mac(String purpose, byte[] data) throws IOException {
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(key().getEncoded(), "HmacSHA256"));
      byte[] derived = derive.doFinal(("flowbus " + purpose).getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(derived, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  byte[] seal(byte[] plain, String context) throws IOException {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(MAGIC.length + IV_BYTES + sealed.length)
          .put(MAGIC)
          .put(iv)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /** A file's place, bound into its ciphertext. */
  static String context(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/")
        + file.getFileName();
  }

  /** Whether the key is at hand: {@link #mac} and the others then do no I/O. */
  public synchronized boolean keyLoaded() {
    return key != null;
  }

  private synchronized SecretKey key() throws IOException {
    if (key == null) {
      if (!Files.exists(keyFile)) {
        create();
      }
      key = new SecretKeySpec(readKey(), "AES");
    }
    return key;
  }

  /** Links a fresh key in place unless a key is already there; never replaces one. */
  private void create() throws IOException {
    PrivateFiles.createDirectories(keyFile.getParent());
    byte[] fresh = new byte[KEY_BYTES];
    random.nextBytes(fresh);
    String text = Base64.getEncoder().encodeToString(fresh) + "\n";
    Path candidate = PrivateFiles.newFile(keyFile, text.getBytes(StandardCharsets.US_ASCII));
    try {
      Files.createLink(keyFile, candidate);
      PrivateFiles.syncDirectory(keyFile.getParent());
    } catch (FileAlreadyExistsException e) {
      // another node or thread was first: its key is the one
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (!Files.exists(keyFile)) {
        moveWithoutReplacing(candidate);
      }
    } finally {
      Files.deleteIfExists(candidate);
    }
  }

  /** Where hard links are not allowed: a move that fails rather than replace a key. */
  private void moveWithoutReplacing(Path candidate) throws IOException {
    try {
      Files.move(candidate, keyFile);
    } catch (FileAlreadyExistsException e) {
      // another node was first
    }
  }

  private byte[] readKey() throws IOException {
    byte[] key;
    try {
      String text = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
      key = Base64.getDecoder().decode(text);
    } catch (NoSuchFileException e) {
      throw new IOException("the key file " + keyFile + " is missing", e);
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      throw new IOException("the key file " + keyFile + " does not hold a base64 key", e);
    }
    if (key.length != KEY_BYTES) {
      throw new IOException(
          "the key file " + keyFile + " holds " + key.length + " bytes, not a 256-bit key");
    }
    return key;
  }
}
