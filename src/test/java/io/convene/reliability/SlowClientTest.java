package io.convene.reliability;

import io.convene.Eventually;
import io.convene.RawConnection;
import io.convene.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow and greedy clients: a head or a body that never ends, an idle kept-alive connection, and more
 * connections than one address (or the process) may hold. Each bound is a setting; here they are short.
 */
@ExtendWith(VertxExtension.class)
class SlowClientTest {
  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  private TestApp app;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of(
        "CONVENE_HTTP_HEADER_TIMEOUT_SECONDS", "1",
        "CONVENE_HTTP_BODY_TIMEOUT_SECONDS", "1",
        "CONVENE_HTTP_IDLE_TIMEOUT_SECONDS", "4",
        "CONVENE_HTTP_MAX_CONNECTIONS", "5",
        "CONVENE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "3")).await();
    port = app.config.httpPort();
  }

  @Test
  void aHeadThatNeverEndsIsClosedAfterTheHeaderTimeout(Vertx vertx) throws Exception {
    for (String partial : List.of("", "G", "GET /hea", "GET /health HTTP/1.1\r\nHo")) {
      long started = System.nanoTime();
      RawConnection slow = RawConnection.open(vertx, port).await().write(partial);
      assertEquals("", slow.closed().await(10, TimeUnit.SECONDS), "closed without an answer: no request to answer");
      long millis = (System.nanoTime() - started) / 1_000_000;
      // Well before the idle timeout (4 s): the head's own deadline closed it.
      assertTrue(millis >= 1_000 && millis < 2_500, "'" + partial + "' closed after " + millis + " ms");
    }
  }

  @Test
  void aBodyThatNeverEndsIs408ThenClosed(Vertx vertx) throws Exception {
    long started = System.nanoTime();
    RawConnection slow = RawConnection.open(vertx, port).await().write("POST /v1/schedule HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{");
    String answer = slow.closed().await(10, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis >= 1_000 && millis < 3_000, "answered after " + millis + " ms");
    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("\r\nconnection: close\r\n"), answer);
    String requestId = answer.replaceAll("(?s).*\r\n(?i:x-request-id): *([^\r]+)\r\n.*", "$1");
    assertEquals(new JsonObject().put("success", false).put("error", new JsonObject().put("code", "request_timeout")
            .put("message", "the request body did not arrive within 1 seconds")).put("request_id", requestId),
        new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)));
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout(Vertx vertx) throws Exception {
    RawConnection idle = RawConnection.open(vertx, port).await();
    long asked = System.nanoTime();
    assertTrue(idle.write(HEALTH).response().await().startsWith("HTTP/1.1 200 OK"));
    // A second request a byte at a time does not keep it open either: the next head has the idle timeout.
    idle.write("G");
    idle.closed().await(10, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - asked) / 1_000_000;
    assertTrue(millis >= 4_000 && millis < 6_000, "closed " + millis + " ms after the request");
  }

  @Test
  void connectionsBeyondTheBoundsAreRefused(Vertx vertx) throws Exception {
    // Connections count from the moment they open, before they send anything. Which of four opened
    // together the server sees last is its accept order, not the client's: one of them is refused.
    List<RawConnection> silent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      silent.add(RawConnection.open(vertx, port, "127.0.0.1").await());
    }
    Future.any(silent.stream().map(RawConnection::closed).toList()).await(10, TimeUnit.SECONDS);
    List<RawConnection> refused = silent.stream().filter(c -> c.closed().isComplete()).toList();
    assertEquals(1, refused.size(), "a fourth from one address is closed, refused as it opened, before the"
        + " silent ones' head timeout");
    assertEquals("", refused.get(0).closed().result(), "a fourth from one address is closed unanswered");
    for (RawConnection connection : silent) {
      connection.closed().await(10, TimeUnit.SECONDS);
    }

    List<RawConnection> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(served(vertx, "127.0.0.1"));
    }
    held.add(served(vertx, "127.0.0.2"));
    held.add(served(vertx, "127.0.0.2"));
    RawConnection sixth = RawConnection.open(vertx, port, "127.0.0.3").await().write(HEALTH);
    assertEquals("", sixth.closed().await(10, TimeUnit.SECONDS), "a sixth in all is closed unanswered");

    RawConnection first = held.remove(0);
    first.close();
    first.closed().await();
    // The server counts the close when it sees it; a new connection is admitted once it has.
    Eventually.until(vertx, () -> RawConnection.open(vertx, port, "127.0.0.1").compose(c -> {
      c.write(HEALTH);
      return Future.any(c.response(), c.closed()).map(any -> any.succeeded(0) ? (String) any.resultAt(0) : "");
    }), answer -> answer.startsWith("HTTP/1.1 200 OK"));
    held.forEach(RawConnection::close);
  }

  private RawConnection served(Vertx vertx, String from) throws Exception {
    RawConnection connection = RawConnection.open(vertx, port, from).await().write(HEALTH);
    assertTrue(connection.response().await(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200 OK"));
    return connection;
  }
}
