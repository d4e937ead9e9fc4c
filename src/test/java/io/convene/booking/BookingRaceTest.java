package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.booking.BookingFixture.booker;
import static io.convene.booking.BookingFixture.booking;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No double booking (contracts-scheduling.md §B8): 50 people book one slot at once through two Convene instances
 * on one database (each in its own Vert.x, as separate nodes would be). Exactly one gets it; the other 49 get 409
 * {@code slot_taken}; the database holds one meeting.
 */
@ExtendWith(VertxExtension.class)
class BookingRaceTest {
  private static final int BOOKINGS = 50;
  private static final Map<String, String> ENV = Map.of("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS,
      "CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE", "0", "CONVENE_WORKERS", "api");
  private Vertx other;

  @AfterEach
  void stop() {
    if (other != null) {
      other.close().await();
    }
  }

  @Test
  void fiftySimultaneousBookingsOfOneSlotOnTwoInstancesMakeOneMeeting(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp a = TestApp.start(vertx, database, ENV).await();
    other = Vertx.vertx();
    TestApp b = TestApp.start(other, database, ENV).await();
    JsonObject account = a.createAccount("Acme").await();
    TestCalls acme = TestCalls.withKey(a, account.getString("api_key"));
    assertEquals(201, acme.post("/v1/accounts/" + account.getString("id") + "/meetingevents", BookingFixture.intro())
        .await().statusCode());

    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < BOOKINGS; i++) {
      TestCalls visitor = BookingFixture.anonymous(i % 2 == 0 ? a : b);
      calls.add(visitor.post("/public/v1/meetingevents/intro-call/book",
          booking("2030-03-11T10:00:00+01:00", 30, booker("visitor" + i + "@example.org"))));
    }
    int booked = 0;
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> response = call.await();
      if (response.statusCode() == 200) {
        booked++;
      } else {
        assertError(response, 409, "slot_taken", "a host is no longer free at this time; pick another slot", null);
      }
    }
    assertEquals(1, booked, "exactly one booking of the slot succeeds");
    long meetings = database.pool(vertx).query("SELECT count(*) FROM meetings WHERE cancelled_at IS NULL").execute().await()
        .iterator().next().getLong(0);
    assertEquals(1, meetings);
  }
}
