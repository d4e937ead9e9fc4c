package io.convene.db;

import io.convene.TestApp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code meeting_email_keys}, the key function of the hosts' busy-time index, gives what V31's SQL function
 * gave for every input: an index built with either stays valid under the other.
 */
@ExtendWith(VertxExtension.class)
class MeetingEmailKeysTest {
  /** V31's body, evaluated inline. */
  private static final String FIRST_DEFINITION =
      "SELECT COALESCE(array_agg(lower(p->>'email')), '{}') FROM jsonb_array_elements($1::text::jsonb) p";

  private static final List<String> PEOPLE = Arrays.asList(
      null,
      "[]",
      "[{\"email\": \"Alice@Example.COM\"}]",
      "[{\"email\": \"alice@example.com\", \"id\": \"per_1\"}, {\"email\": \"BOB@example.com\", \"firstName\": \"Bob\"}]",
      "[{\"id\": \"per_2\"}, {\"email\": null}, {\"email\": \"ÉLODIE@exemple.fr\"}]",
      "[\"carol@example.com\", 7, null, [], {}]",
      "[{\"email\": \"same@example.com\"}, {\"email\": \"SAME@example.com\"}]");

  @Test
  void givesWhatTheFirstDefinitionGaveForEveryInput(Vertx vertx) {
    Pool db = TestApp.start(vertx).await().database.pool(vertx);
    for (String people : PEOPLE) {
      Row now = db.preparedQuery("SELECT meeting_email_keys($1::text::jsonb) AS keys").execute(Tuple.of(people)).await()
          .iterator().next();
      Row first = db.preparedQuery(FIRST_DEFINITION).execute(Tuple.of(people)).await().iterator().next();
      assertArrayEquals(first.getArrayOfStrings(0), now.getArrayOfStrings("keys"), "for " + people);
    }
    assertEquals(List.of("alice@example.com", "bob@example.com"), List.of(db.preparedQuery(
            "SELECT meeting_email_keys($1::text::jsonb)").execute(Tuple.of(PEOPLE.get(3))).await().iterator().next()
        .getArrayOfStrings(0)));
    for (String notAnArray : List.of("{\"email\": \"a@example.com\"}", "\"a@example.com\"", "null")) {
      assertThrows(PgException.class, () -> db.preparedQuery(FIRST_DEFINITION).execute(Tuple.of(notAnArray)).await());
      assertThrows(PgException.class, () -> db.preparedQuery("SELECT meeting_email_keys($1::text::jsonb)")
          .execute(Tuple.of(notAnArray)).await());
    }
  }
}
