package io.convene.webhook;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A receiver's check of a Standard Webhooks signature, written from the specification
 * (standardwebhooks.com, "Verifying webhook authenticity") with javax.crypto alone, independent of
 * the code under test: HMAC-SHA256 keyed with the base64-decoded part of {@code whsec_...} over
 * {@code "<webhook-id>.<webhook-timestamp>.<body>"}; {@code webhook-signature} lists space-separated
 * {@code v1,<base64>} entries, one of which must match; the timestamp must be within five minutes.
 */
final class SignatureCheck {
  private SignatureCheck() {
  }

  static boolean verifies(String secret, MultiMap headers, Buffer body) {
    String id = headers.get("webhook-id");
    String timestamp = headers.get("webhook-timestamp");
    String signatures = headers.get("webhook-signature");
    if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
      return false;
    }
    if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
      return false;
    }
    byte[] expected = ("v1," + Base64.getEncoder().encodeToString(hmac(secret, id, timestamp, body)))
        .getBytes(StandardCharsets.US_ASCII);
    for (String candidate : signatures.split(" ")) {
      if (MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII), expected)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(String secret, String id, String timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body.getBytes());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
