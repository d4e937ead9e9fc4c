package io.convene.http.server;

import io.convene.config.ConveneConfig;
import io.convene.errors.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds slow and greedy clients to bounds, as a proxy in front of Convene would: a new connection has
 * {@code http_header_timeout_seconds} to send a complete request head (else it is closed: there is no
 * request to answer), a request has {@code http_body_timeout_seconds} from its head to its last body
 * byte (else 408, and the connection closes), a kept-alive connection must send its next head within
 * {@code http_idle_timeout_seconds}, and connections beyond {@code http_max_connections} (process) or
 * {@code http_max_connections_per_address} (one client address) are closed as they open.
 *
 * <p>A byte-a-time client resets an idle timer with every byte, so the limits here are deadlines, not
 * idle timers. One instance per HTTP verticle, all on its event loop: a request costs a map lookup and
 * a field write; one sweep every {@link #SWEEP_MS} closes what is overdue. The counts are shared by the
 * instances of one Vert.x (its local shared data).
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long SWEEP_MS = 250;
  private static final long NONE = Long.MAX_VALUE;

  private final long headMillis;
  private final long bodyMillis;
  private final long idleMillis;
  private final int maxConnections;
  private final int maxPerAddress;
  private final Counts counts;
  private final Map<HttpConnection, Open> open = new HashMap<>();

  /** One connection: the deadline of what it is waiting for, and the request whose body is awaited. */
  private static final class Open {
    final String address;
    long deadline;
    RoutingContext awaitingBody;

    Open(String address, long deadline) {
      this.address = address;
      this.deadline = deadline;
    }
  }

  /** Open connections of the whole process, per client address and in all. */
  private static final class Counts implements Shareable {
    final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
  }

  ConnectionGuard(Vertx vertx, ConveneConfig config) {
    this.headMillis = millis(config.httpHeaderTimeoutSeconds());
    this.bodyMillis = millis(config.httpBodyTimeoutSeconds());
    this.idleMillis = millis(config.httpIdleTimeoutSeconds());
    this.maxConnections = config.httpMaxConnections();
    this.maxPerAddress = config.httpMaxConnectionsPerAddress();
    this.counts = vertx.sharedData().<String, Counts>getLocalMap("convene.http.connections")
        .computeIfAbsent("counts", k -> new Counts());
    if (headMillis != NONE || bodyMillis != NONE || idleMillis != NONE) {
      vertx.setPeriodic(SWEEP_MS, id -> sweep());
    }
  }

  private static long millis(int seconds) {
    return seconds == 0 ? NONE : seconds * 1000L;
  }

  /** A connection was accepted: counted, or closed when over a bound; its head's deadline starts. */
  void opened(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
    if (!admit(address)) {
      LOG.debug("connection from {} refused: {} open in all, at most {}; at most {} per address", address,
          counts.total.get(), maxConnections, maxPerAddress);
      connection.close();
      return;
    }
    Open state = new Open(address, deadline(headMillis));
    open.put(connection, state);
    connection.closeHandler(v -> {
      open.remove(connection);
      release(state.address);
    });
  }

  /** The first handler of every request: its head is in; the body has its own deadline now. */
  void requestStarted(RoutingContext ctx) {
    Open state = open.get(ctx.request().connection());
    if (state != null) {
      state.deadline = deadline(bodyMillis);
      state.awaitingBody = ctx;
      ctx.addEndHandler(v -> {
        // Kept alive, the connection now waits for its next head.
        state.deadline = deadline(idleMillis);
        state.awaitingBody = null;
      });
    }
    ctx.next();
  }

  /** After the body handler: the whole body is in, the request runs without a deadline of ours. */
  void bodyRead(RoutingContext ctx) {
    Open state = open.get(ctx.request().connection());
    if (state != null && state.awaitingBody == ctx) {
      state.deadline = NONE;
      state.awaitingBody = null;
    }
    ctx.next();
  }

  private boolean admit(String address) {
    if (counts.total.incrementAndGet() > maxConnections && maxConnections > 0) {
      counts.total.decrementAndGet();
      return false;
    }
    boolean[] admitted = {true};
    counts.perAddress.compute(address, (a, n) -> {
      int now = n == null ? 0 : n;
      if (maxPerAddress > 0 && now >= maxPerAddress) {
        admitted[0] = false;
        return n;
      }
      return now + 1;
    });
    if (!admitted[0]) {
      counts.total.decrementAndGet();
    }
    return admitted[0];
  }

  private void release(String address) {
    counts.total.decrementAndGet();
    counts.perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  private static long deadline(long millis) {
    return millis == NONE ? NONE : System.currentTimeMillis() + millis;
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    List<HttpConnection> overdue = new ArrayList<>();
    open.forEach((connection, state) -> {
      if (state.deadline <= now) {
        overdue.add(connection);
      }
    });
    // Closing may run the close handler at once, which changes the map: not while iterating it.
    for (HttpConnection connection : overdue) {
      expire(connection, open.get(connection));
    }
  }

  private void expire(HttpConnection connection, Open state) {
    state.deadline = NONE;
    RoutingContext ctx = state.awaitingBody;
    if (ctx != null && !ctx.response().headWritten()) {
      LOG.debug("{} {} from {}: body not in within {} ms; 408", ctx.request().method(), ctx.request().path(),
          state.address, bodyMillis);
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE).endHandler(v -> connection.close());
      ctx.fail(new ApiException(408, "request_timeout",
          "the request body did not arrive within " + bodyMillis / 1000 + " seconds", null));
    } else {
      LOG.debug("connection from {} closed: no complete request head in time", state.address);
      connection.close();
    }
  }
}
