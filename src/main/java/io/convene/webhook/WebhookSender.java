package io.convene.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One delivery attempt over HTTP. The timeout bounds the whole attempt, from the DNS lookup to the
 * last byte of the answer, whatever the receiver does (answers slowly, sends an endless body, never
 * closes): at the deadline the request is reset, which closes its connection. Connections are kept
 * alive and reused between attempts to the same checked address (a handshake per delivery would cost
 * more than the delivery). Only the first {@value #SNIPPET_BYTES} bytes of an answer are kept; the rest
 * is read and dropped; redirects are not followed.
 */
final class WebhookSender {
  static final int SNIPPET_BYTES = 1024;
  private static final int MAX_ERROR = 500;
  private static final String USER_AGENT = "Convene-Webhooks/1";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  /** An idle connection to a receiver is closed after this long. */
  private static final int KEEP_ALIVE_SECONDS = 30;

  /** How an attempt went; {@code statusCode} is {@code null} when no complete answer came. */
  record Outcome(Instant startedAt, String url, Integer statusCode, int durationMs, String error, String snippet,
                 Duration retryAfter) {
    boolean succeeded() {
      return error == null && statusCode != null && statusCode >= 200 && statusCode < 300;
    }
  }

  private final Vertx vertx;
  private final WebhookTargets targets;
  private final HttpClientAgent client;

  /** @param connectionsPerTarget at most this many connections to one receiver address */
  WebhookSender(Vertx vertx, WebhookTargets targets, int connectionsPerTarget) {
    this.vertx = vertx;
    this.targets = targets;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
            .setForceSni(true))
        .with(new PoolOptions().setHttp1MaxSize(connectionsPerTarget))
        // A receiver that resets a kept-alive connection fails the attempt on it, if any, which its
        // outcome records; the reset itself is not worth an error line (Vert.x logs unhandled ones).
        .withConnectHandler(connection -> connection.exceptionHandler(e ->
            LOG.debug("webhook connection to {}: {}", connection.remoteAddress(), e.getMessage())))
        .build();
  }

  Future<Void> close() {
    return client.close();
  }

  /** @param secrets the {@code whsec_} secrets to sign with, the current one first */
  Future<Outcome> send(String url, String webhookId, String body, int timeoutSeconds, String... secrets) {
    Instant startedAt = Instant.now();
    long started = System.nanoTime();
    long timeoutMs = timeoutSeconds * 1000L;
    Promise<Outcome> done = Promise.promise();
    Snippet snippet = new Snippet();
    AtomicReference<HttpClientRequest> sending = new AtomicReference<>();
    long deadline = vertx.setTimer(timeoutMs, t -> {
      if (done.tryComplete(new Outcome(startedAt, url, null, elapsed(started),
          "timed out after " + timeoutSeconds + " s", snippet.text(), null)) && sending.get() != null) {
        sending.get().reset();
      }
    });
    targets.resolve(url)
        .compose(target -> client.request(options(target, timeoutMs)))
        .compose(request -> {
          if (done.future().isComplete()) {
            request.reset(); // timed out while waiting for a connection
            return Future.failedFuture("timed out");
          }
          sending.set(request);
          return post(request, webhookId, body, secrets);
        })
        .compose(response -> {
          response.handler(snippet::write);
          return response.end().map(response);
        })
        .onComplete(sent -> done.tryComplete(sent.succeeded()
            ? answered(startedAt, url, started, sent.result(), snippet)
            : new Outcome(startedAt, url, null, elapsed(started), describe(sent.cause()), snippet.text(), null)));
    return done.future().onComplete(finished -> vertx.cancelTimer(deadline));
  }

  /** Connects to the address that was checked; speaks to the URL's host. */
  private static RequestOptions options(WebhookTargets.Target target, long timeoutMs) {
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
        .setHost(target.host())
        .setPort(target.port())
        .setURI(target.requestUri())
        .setSsl(target.ssl())
        .setFollowRedirects(false)
        .setConnectTimeout(timeoutMs);
  }

  /** The body goes out as the very bytes that were signed. */
  private static Future<HttpClientResponse> post(HttpClientRequest request, String webhookId, String body,
                                                 String[] secrets) {
    long timestamp = Instant.now().getEpochSecond();
    return request
        .putHeader("User-Agent", USER_AGENT)
        .putHeader("Content-Type", "application/json")
        .putHeader("webhook-id", webhookId)
        .putHeader("webhook-timestamp", String.valueOf(timestamp))
        .putHeader("webhook-signature", WebhookSigner.signature(webhookId, timestamp, body, secrets))
        .send(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static Outcome answered(Instant startedAt, String url, long started, HttpClientResponse response,
                                  Snippet snippet) {
    int status = response.statusCode();
    boolean ok = status >= 200 && status < 300;
    Duration retryAfter = status == 429 || status == 503
        ? RetrySchedule.retryAfter(response.getHeader("Retry-After"), Instant.now()) : null;
    return new Outcome(startedAt, url, status, elapsed(started), ok ? null : "HTTP " + status, snippet.text(), retryAfter);
  }

  private static String describe(Throwable error) {
    if (error instanceof WebhookTargets.Refused refused) {
      return "url " + refused.getMessage();
    }
    String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    return clean(message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message);
  }

  private static int elapsed(long started) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
  }

  /** PostgreSQL text cannot hold NUL. */
  private static String clean(String text) {
    return text.replace('\u0000', '\uFFFD');
  }

  /** Keeps the start of an answer's body and drops the rest as it arrives. */
  private static final class Snippet {
    private final Buffer kept = Buffer.buffer();

    String text() {
      return kept.length() == 0 ? null : clean(kept.toString(StandardCharsets.UTF_8));
    }

    void write(Buffer data) {
      int room = SNIPPET_BYTES - kept.length();
      if (room > 0) {
        kept.appendBuffer(data.length() <= room ? data : data.slice(0, room));
      }
    }
  }
}
