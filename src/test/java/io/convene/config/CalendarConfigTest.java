package io.convene.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalendarConfigTest {

  @Test
  void defaultsAreGooglesPublicEndpointsAndSyncIsOff() {
    CalendarConfig calendar = ConfigLoader.load(new String[0], Map.of()).calendar();
    assertFalse(calendar.enabled());
    assertEquals("https://accounts.google.com/o/oauth2/v2/auth", calendar.authUrl());
    assertEquals("https://oauth2.googleapis.com/token", calendar.tokenUrl());
    assertEquals("https://oauth2.googleapis.com/revoke", calendar.revokeUrl());
    assertEquals("https://www.googleapis.com", calendar.apiBaseUrl());
    assertEquals(1000, calendar.retryBaseMs());
    assertEquals(3_600_000, calendar.retryMaxMs());
    assertEquals(12, calendar.maxAttempts());
    assertEquals(120, calendar.leaseSeconds());
  }

  @Test
  void aClientNeedsItsSecretAndItsCallbackUrl() {
    ConfigException half = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_GOOGLE_CLIENT_ID", "id")));
    assertEquals("google_client_id (CONVENE_GOOGLE_CLIENT_ID) and google_client_secret (CONVENE_GOOGLE_CLIENT_SECRET)"
        + " must be set together", half.getMessage());
    ConfigException noCallback = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[0],
        Map.of("CONVENE_GOOGLE_CLIENT_ID", "id", "CONVENE_GOOGLE_CLIENT_SECRET", "secret")));
    assertTrue(noCallback.getMessage().startsWith("google_redirect_uri (CONVENE_GOOGLE_REDIRECT_URI) must be set"),
        noCallback.getMessage());
    CalendarConfig on = ConfigLoader.load(new String[] {"--google-api-base-url", "http://proxy.internal:8081/"},
        Map.of("CONVENE_GOOGLE_CLIENT_ID", "id", "CONVENE_GOOGLE_CLIENT_SECRET", "secret",
            "CONVENE_GOOGLE_REDIRECT_URI", "https://convene.example.com/oauth/google/callback")).calendar();
    assertTrue(on.enabled());
    assertEquals("http://proxy.internal:8081", on.apiBaseUrl(), "a trailing slash is dropped");
    assertFalse(on.toString().contains("secret"), "the secret is not printed");
  }

  @Test
  void urlsMustBeAbsoluteHttp() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_GOOGLE_TOKEN_URL", "oauth2.googleapis.com/token")));
    assertEquals("google_token_url (CONVENE_GOOGLE_TOKEN_URL, --google-token-url) = 'oauth2.googleapis.com/token'"
        + " is not an absolute http(s) URL", e.getMessage());
  }
}
