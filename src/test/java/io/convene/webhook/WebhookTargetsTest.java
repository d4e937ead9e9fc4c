package io.convene.webhook;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSRF guard: which addresses are public, and the check again at connect time. */
@ExtendWith(VertxExtension.class)
class WebhookTargetsTest {

  @Test
  void onlyPublicAddressesArePublic() throws UnknownHostException {
    for (String address : new String[] {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255",
        "172.32.0.1", "192.169.0.1", "198.20.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"}) {
      assertTrue(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
    }
    for (String address : new String[] {"0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1",
        "127.9.9.9", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.1", "192.0.2.1", "192.168.1.1",
        "198.18.0.1", "198.19.255.255", "198.51.100.1", "203.0.113.1", "224.0.0.1", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a00:1", "2002:7f00:1::1", "2002:c0a8:101::1",
        "2001:db8::1"}) {
      assertFalse(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
    }
  }

  /**
   * A URL accepted where insecure targets are allowed is refused by a node where they are not, when
   * it is about to connect: the receiver hears nothing, and the log says why.
   */
  @Test
  void theGuardRunsAgainAtConnectTime(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp api = TestApp.start(vertx, database, Map.of("CONVENE_WORKERS", "api",
        "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true")).await();
    Vertx other = Vertx.vertx();
    Receiver receiver = Receiver.ok(vertx);
    try {
      TestApp.start(other, database, Map.of("CONVENE_WORKERS", "webhooks")).await();
      TestCalls calls = TestCalls.withKey(api, api.createAccount("Acme").await().getString("api_key"));
      assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("url", receiver.url())
          .put("max_retries", 0)).await().statusCode());
      assertEquals(200, calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await().statusCode());
      JsonObject refused = failedDelivery(vertx, calls);
      assertEquals("url must use https:// (http:// is allowed only with CONVENE_WEBHOOKS_ALLOW_INSECURE=true)",
          refused.getString("error"));

      assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject()
          .put("url", "https://localhost:" + receiver.port() + "/hook")).await().statusCode());
      assertEquals(200, calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await().statusCode());
      JsonObject privateTarget = failedDelivery(vertx, calls);
      assertTrue(privateTarget.getString("error").startsWith("url must reach a public address, but localhost is "),
          privateTarget.encode());
      assertEquals(0, receiver.requests().size());
    } finally {
      receiver.close();
      other.close().await();
    }
  }

  private static JsonObject failedDelivery(Vertx vertx, TestCalls calls) {
    return Eventually.until(vertx, () -> calls.get("/v1/platform/webhook/logs?limit=1").map(r ->
        r.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0)), e -> "failed".equals(e.getString("status")));
  }
}
