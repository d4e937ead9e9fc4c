package io.convene.booking;

import io.convene.ids.Ids;
import io.convene.errors.ApiException;
import io.convene.meeting.ConnectionRef;
import io.convene.meeting.Person;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one home of the SQL for {@code meeting_events}. Every statement but the public lookup by slug is scoped by
 * tenant; the slug is global (the public path names no tenant), unique among live events by index, so that two
 * writers after one slug cannot both get it: the loser gets 409 {@code slug_taken}, or the next free suffix when
 * the slug was made from the name.
 */
public final class MeetingEvents {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String COLUMNS = "e.id, e.account_id, e.slug, e.name, e.description, e.durations,"
      + " e.allow_additional_attendees, e.availability, e.hosts, e.created_at, e.updated_at, e.deleted_at,"
      + " (SELECT " + ConnectionRef.JSON + " FROM calendar_connections c"
      + "  WHERE c.id = e.calendar_connection_id AND c.account_id = e.account_id) AS connection";
  private static final String LIST = "SELECT " + COLUMNS + " FROM meeting_events e"
      + " WHERE e.account_id = $1 AND e.deleted_at IS NULL ORDER BY e.seq LIMIT $2 OFFSET $3";
  private static final String GET = "SELECT " + COLUMNS + " FROM meeting_events e"
      + " WHERE e.id = $1 AND e.account_id = $2 AND e.deleted_at IS NULL";
  /** Also a deleted one: what a booked meeting's event was. */
  private static final String GET_ANY = "SELECT " + COLUMNS + " FROM meeting_events e WHERE e.id = $1 AND e.account_id = $2";
  private static final String BY_SLUG = "SELECT " + COLUMNS + " FROM meeting_events e"
      + " WHERE e.slug = $1 AND e.deleted_at IS NULL";
  private static final String TAKEN = "SELECT slug FROM meeting_events"
      + " WHERE deleted_at IS NULL AND (slug = $1 OR slug LIKE $1 || '-%')";
  private static final String INSERT = "INSERT INTO meeting_events (id, account_id, slug, name, description, durations,"
      + " calendar_connection_id, allow_additional_attendees, availability, hosts, created_at, updated_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
  private static final String UPDATE = "UPDATE meeting_events SET slug = $3, name = $4, description = $5, durations = $6,"
      + " calendar_connection_id = $7, allow_additional_attendees = $8, availability = $9, hosts = $10, updated_at = $11"
      + " WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL RETURNING id";
  private static final String DELETE = "UPDATE meeting_events SET deleted_at = $3, updated_at = $3"
      + " WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL RETURNING id";
  private static final String CONNECTION = "SELECT " + ConnectionRef.JSON + " AS ref, c.timezone FROM calendar_connections c"
      + " WHERE c.id = $1 AND c.account_id = $2";
  private static final int MAX_SUFFIX_ATTEMPTS = 5;

  /** What a create or update stores; {@code slug} {@code null}: made from the name (create) or kept (update). */
  public record Definition(String name, String slug, String description, List<Integer> durations, String connectionId,
                           boolean allowAdditionalAttendees, WeeklyTimes availability, List<Person> hosts) {
  }

  /** A page in creation order. */
  public record Page(List<BookableEvent> events, boolean hasNext) {
  }

  /** A calendar connection of the tenant and its time zone (may be {@code null}). */
  public record Connection(ConnectionRef ref, String timezone) {
  }

  private final Pool pool;

  public MeetingEvents(Pool pool) {
    this.pool = pool;
  }

  public Future<Page> list(String accountId, int offset, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(accountId, limit + 1, offset)).map(rows -> {
      List<BookableEvent> out = all(rows);
      boolean more = out.size() > limit;
      return new Page(more ? out.subList(0, limit) : out, more);
    });
  }

  /** A live event of the tenant, or 404 {@code meeting_event_not_found}. */
  public Future<BookableEvent> get(String accountId, String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id, accountId)).map(rows -> one(rows, id));
  }

  /** The tenant's event {@code id}, deleted or not; {@code null} when there is none. */
  public Future<BookableEvent> find(String accountId, String id) {
    return pool.preparedQuery(GET_ANY).execute(Tuple.of(id, accountId))
        .map(rows -> rows.size() == 0 ? null : event(rows.iterator().next()));
  }

  /** The live event with this slug, of any tenant, or 404. */
  public Future<BookableEvent> bySlug(String slug) {
    return pool.preparedQuery(BY_SLUG).execute(Tuple.of(slug)).map(rows -> one(rows, slug));
  }

  /** The tenant's connection {@code id}, or {@code null}. */
  public Future<Connection> connection(String accountId, String id) {
    return pool.preparedQuery(CONNECTION).execute(Tuple.of(id, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Connection(ConnectionRef.fromJson(row.getJsonObject("ref")), row.getString("timezone"));
    });
  }

  public Future<BookableEvent> create(String accountId, Definition d) {
    String id = Ids.random("mev_", 20);
    Instant now = now();
    if (d.slug() != null) {
      return pool.preparedQuery(INSERT).execute(params(id, accountId, d.slug(), d, now))
          .recover(e -> Future.failedFuture(slugTaken(e, d.slug())))
          .compose(done -> get(accountId, id));
    }
    return insertWithFreeSlug(id, accountId, base(d.name()), d, now, 1)
        .compose(done -> get(accountId, id));
  }

  /** The first of {@code base}, {@code base-2}, {@code base-3}, ... that no live event holds; again if one took it meanwhile. */
  private Future<Void> insertWithFreeSlug(String id, String accountId, String base, Definition d, Instant now, int attempt) {
    return pool.preparedQuery(TAKEN).execute(Tuple.of(base)).compose(rows -> {
      Set<String> taken = new HashSet<>();
      rows.forEach(r -> taken.add(r.getString("slug")));
      String slug = firstFree(base, taken);
      return pool.preparedQuery(INSERT).execute(params(id, accountId, slug, d, now)).<Void>mapEmpty()
          .recover(e -> isSlugTaken(e) && attempt < MAX_SUFFIX_ATTEMPTS
              ? insertWithFreeSlug(id, accountId, base, d, now, attempt + 1) : Future.failedFuture(e));
    });
  }

  /** Replaces the mutable fields; a {@code null} slug keeps the current one. */
  public Future<BookableEvent> update(String accountId, String id, Definition d) {
    return get(accountId, id).compose(current -> {
      String slug = d.slug() != null ? d.slug() : current.slug();
      Tuple params = params(id, accountId, slug, d, now());
      return pool.preparedQuery(UPDATE).execute(params)
          .recover(e -> Future.failedFuture(slugTaken(e, slug)))
          .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(id)) : get(accountId, id));
    });
  }

  /** Soft: the event as it was; its slug is free at once. */
  public Future<BookableEvent> delete(String accountId, String id) {
    return get(accountId, id).compose(current -> pool.preparedQuery(DELETE)
        .execute(Tuple.of(id, accountId, now().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          return current;
        }));
  }

  private static Tuple params(String id, String accountId, String slug, Definition d, Instant now) {
    JsonArray hosts = new JsonArray();
    d.hosts().forEach(p -> hosts.add(p.toJson()));
    return Tuple.tuple().addValue(id).addValue(accountId).addValue(slug).addValue(d.name()).addValue(d.description())
        .addValue(d.durations().toArray(Integer[]::new)).addValue(d.connectionId())
        .addValue(d.allowAdditionalAttendees()).addValue(d.availability().toJson()).addValue(hosts)
        .addValue(now.atOffset(ZoneOffset.UTC));
  }

  private static boolean isSlugTaken(Throwable e) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  private static Throwable slugTaken(Throwable e, String slug) {
    return isSlugTaken(e) ? new ApiException(409, "slug_taken", "slug " + slug + " is taken by another meeting event", "slug")
        : e;
  }

  private static List<BookableEvent> all(RowSet<Row> rows) {
    List<BookableEvent> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(event(r)));
    return out;
  }

  private static BookableEvent one(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw notFound(name);
    }
    return event(rows.iterator().next());
  }

  public static ApiException notFound(String name) {
    return ApiException.notFound("meeting_event_not_found", "meeting event " + name + " not found");
  }

  private static BookableEvent event(Row row) {
    JsonArray hostsJson = row.getJsonArray("hosts");
    List<Person> hosts = new ArrayList<>(hostsJson.size());
    for (int i = 0; i < hostsJson.size(); i++) {
      hosts.add(Person.fromJson(hostsJson.getJsonObject(i)));
    }
    return new BookableEvent(row.getString("id"), row.getString("account_id"), row.getString("slug"),
        row.getString("name"), row.getString("description"), Arrays.asList(row.getArrayOfIntegers("durations")),
        ConnectionRef.fromJson(row.getJsonObject("connection")), row.getBoolean("allow_additional_attendees"),
        WeeklyTimes.fromJson(row.getJsonObject("availability")), hosts,
        row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
        row.getOffsetDateTime("deleted_at") != null);
  }

  /** The zone an event without one gets: its connection's, else UTC. */
  public static ZoneId defaultZone(Connection connection) {
    String zone = connection == null ? null : connection.timezone();
    return zone != null && ZoneId.getAvailableZoneIds().contains(zone) ? ZoneId.of(zone) : ZoneId.of("UTC");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** A slug made from a name: lower-case ASCII letters and digits, other runs as one '-', at most 48 characters. */
  static String base(String name) {
    String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    if (slug.length() > 48) {
      slug = slug.substring(0, 48);
    }
    slug = slug.replaceAll("^-+|-+$", "");
    return slug.isEmpty() ? "event" : slug;
  }

  static String firstFree(String base, Set<String> taken) {
    if (!taken.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      if (!taken.contains(base + "-" + n)) {
        return base + "-" + n;
      }
    }
  }
}
