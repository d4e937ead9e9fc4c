package io.convene.tenant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the database says of API keys and OAuth clients, kept in memory so that authenticating a
 * request costs no round trip. Unknown ids are kept too (as empty), so that a stream of made-up keys
 * costs one lookup each at most; the size bound evicts what is used least, so no stream of keys can
 * grow it.
 *
 * <p>How soon a revocation counts: on the instance that made it, at once (it drops the id when the
 * change commits); on every other instance when PostgreSQL's {@code NOTIFY} reaches it (a trigger sends
 * one for every change of either table); and whatever happens to notifications, within the entries'
 * time to live. After the listening connection was lost, everything is dropped, since notifications
 * sent meanwhile are gone.
 */
public final class CredentialCache {
  static final String CHANNEL = "convene_credentials";
  private static final Logger LOG = LoggerFactory.getLogger(CredentialCache.class);
  private static final long RECONNECT_MILLIS = 1_000;

  /** A live credential: the account it acts for and the hash of its secret. */
  record Entry(String accountId, byte[] secretHash) {
  }

  private final Cache<String, Optional<Entry>> entries;
  /** Rises with every drop, so that a lookup that raced a revocation does not put back what it read. */
  private final AtomicLong drops = new AtomicLong();
  private PgSubscriber subscriber;

  public CredentialCache(int maxEntries, Duration timeToLive) {
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(timeToLive)
        .recordStats()
        .build();
  }

  /** Starts listening for changes made by any instance. */
  public Future<Void> listen(Vertx vertx, PgConnectOptions database) {
    subscriber = PgSubscriber.subscriber(vertx, database).reconnectPolicy(retries -> RECONNECT_MILLIS);
    subscriber.channel(CHANNEL)
        .subscribeHandler(v -> dropAll())
        .handler(this::drop);
    subscriber.closeHandler(v -> dropAll());
    return subscriber.connect().recover(error -> {
      LOG.warn("credential cache: LISTEN {} failed ({}); revocations by other instances count within the"
          + " cache's time to live", CHANNEL, error.getMessage());
      return Future.succeededFuture();
    });
  }

  public Future<Void> close() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /**
   * The entry for {@code id}: from memory, or else from {@code lookup} (which answers empty for an
   * unknown or revoked id), kept unless a drop happened while it ran.
   */
  Future<Optional<Entry>> get(String id, Supplier<Future<Optional<Entry>>> lookup) {
    Optional<Entry> known = entries.getIfPresent(id);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    long before = drops.get();
    return lookup.get().onSuccess(found -> {
      if (drops.get() == before) {
        entries.put(id, found);
      }
    });
  }

  /** Forgets one id, at once: a change of it committed. */
  public void drop(String id) {
    drops.incrementAndGet();
    entries.invalidate(id);
  }

  private void dropAll() {
    drops.incrementAndGet();
    entries.invalidateAll();
  }

  /** Lookups answered from memory and from the database, since start. */
  public long hits() {
    return entries.stats().hitCount();
  }

  public long misses() {
    return entries.stats().missCount();
  }
}
