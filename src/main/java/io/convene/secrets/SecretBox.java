package io.convene.secrets;

import io.convene.config.ConfigException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts secrets Convene must read back (webhook signing secrets, Google refresh tokens, the JWT
 * signing key) with AES-256-GCM before they reach the database. Sealed form:
 * {@code v1:<base64(12-byte nonce || ciphertext || tag)>}.
 */
public final class SecretBox {
  public static final int KEY_BYTES = 32;
  private static final String VERSION = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the secrets key must be " + KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /**
   * The key file in the data directory, created with owner-only permissions on first use. Only for
   * the embedded default: instances sharing an external database must share one configured key.
   * Blocking file I/O: call it before Vert.x starts or off the event loop.
   */
  public static SecretBox fromKeyFile(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        byte[] fresh = new byte[KEY_BYTES];
        RANDOM.nextBytes(fresh);
        try {
          Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
              Base64.getEncoder().encode(fresh), StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: use theirs
        }
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
      return new SecretBox(key);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("secrets key file " + file.toAbsolutePath() + " cannot be used (" + e.getMessage()
          + "); fix or remove it, or set CONVENE_SECRETS_KEY");
    }
  }

  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return VERSION + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** @throws SecretBoxException when the text was not sealed with this key or was altered */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(VERSION)) {
      throw new SecretBoxException("not a sealed secret");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
      if (in.length < NONCE_BYTES + TAG_BITS / 8) {
        throw new SecretBoxException("sealed secret is truncated");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretBoxException("sealed with another key, or altered");
    } catch (IllegalArgumentException e) {
      throw new SecretBoxException("sealed secret is not base64");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** A secret that cannot be opened with this key. */
  public static final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
      super(message, null, false, false);
    }
  }
}
