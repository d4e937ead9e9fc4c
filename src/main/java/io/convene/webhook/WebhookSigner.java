package io.convene.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks signatures (standardwebhooks.com), made by the specification's own Java library:
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per valid secret,
 * space-separated, so that a receiver still holding the old secret during a rotation accepts them.
 */
public final class WebhookSigner {
  /** The spec allows 24 to 64 bytes of key. */
  static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSigner() {
  }

  /** {@code whsec_} + base64 of fresh random bytes. */
  public static String newSecret() {
    byte[] key = new byte[SECRET_BYTES];
    RANDOM.nextBytes(key);
    return Webhook.SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * @param body the exact text that is sent (as UTF-8), so that what is signed is what arrives
   * @param secrets one or more {@code whsec_} secrets, the current one first
   */
  public static String signature(String webhookId, long timestampSeconds, String body, String... secrets) {
    StringBuilder out = new StringBuilder();
    for (String secret : secrets) {
      if (out.length() > 0) {
        out.append(' ');
      }
      try {
        out.append(new Webhook(secret).sign(webhookId, timestampSeconds, body));
      } catch (EmptyWebhookSecretException | WebhookSigningException e) {
        throw new IllegalStateException("cannot sign with a stored webhook secret", e);
      }
    }
    return out.toString();
  }
}
