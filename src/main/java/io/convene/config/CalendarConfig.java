package io.convene.config;

/**
 * Google Calendar settings. Every Google URL is configurable so that tests can point them at a
 * local stand-in and deployments at a proxy.
 *
 * @param clientId      the OAuth client; {@code null} (with the secret) means calendar sync is off
 * @param redirectUri   Convene's own {@code /oauth/google/callback} URL, as registered with Google
 * @param apiBaseUrl    without a trailing slash; the Calendar API lives under {@code /calendar/v3}
 * @param retryBaseMs   first retry delay after a transient Google failure; it doubles per attempt
 * @param retryMaxMs    the cap of that delay (truncated exponential backoff)
 * @param maxAttempts   attempts before a sync is recorded as failed
 * @param leaseSeconds  how long a worker owns a claimed job before another instance may take it over
 */
public record CalendarConfig(
    String clientId,
    String clientSecret,
    String redirectUri,
    String authUrl,
    String tokenUrl,
    String revokeUrl,
    String apiBaseUrl,
    int retryBaseMs,
    int retryMaxMs,
    int maxAttempts,
    int leaseSeconds) {

  public boolean enabled() {
    return clientId != null;
  }

  @Override
  public String toString() {
    return "CalendarConfig[clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? null : "***")
        + ", redirectUri=" + redirectUri + ", apiBaseUrl=" + apiBaseUrl + "]";
  }
}
