package io.convene.webhook;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * One delivery attempt over HTTP. The timeout bounds the whole attempt, from the DNS lookup to the
 * last byte of the answer, whatever the receiver does (answers slowly, sends an endless body, never
 * closes): each attempt has its own client, and closing it at the deadline drops the connection.
 * Only the first {@value #SNIPPET_BYTES} bytes of an answer are kept; redirects are not followed.
 */
final class WebhookSender {
  static final int SNIPPET_BYTES = 1024;
  private static final int MAX_ERROR = 500;
  private static final String USER_AGENT = "Convene-Webhooks/1";

  /** How an attempt went; {@code statusCode} is {@code null} when no complete answer came. */
  record Outcome(Instant startedAt, String url, Integer statusCode, int durationMs, String error, String snippet,
                 Duration retryAfter) {
    boolean succeeded() {
      return error == null && statusCode != null && statusCode >= 200 && statusCode < 300;
    }
  }

  private final Vertx vertx;
  private final WebhookTargets targets;

  WebhookSender(Vertx vertx, WebhookTargets targets) {
    this.vertx = vertx;
    this.targets = targets;
  }

  /** @param secrets the {@code whsec_} secrets to sign with, the current one first */
  Future<Outcome> send(String url, String webhookId, String body, int timeoutSeconds, String... secrets) {
    Instant startedAt = Instant.now();
    long started = System.nanoTime();
    long timeoutMs = timeoutSeconds * 1000L;
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent(USER_AGENT)
        .setFollowRedirects(false)
        .setKeepAlive(false)
        .setForceSni(true)
        .setConnectTimeout((int) timeoutMs));
    Promise<Outcome> done = Promise.promise();
    Snippet snippet = new Snippet();
    long deadline = vertx.setTimer(timeoutMs, t -> done.tryComplete(new Outcome(startedAt, url, null,
        elapsed(started), "timed out after " + timeoutSeconds + " s", snippet.text(), null)));
    targets.resolve(url)
        .compose(target -> post(client, target, webhookId, body, secrets, snippet))
        .onComplete(sent -> done.tryComplete(sent.succeeded()
            ? answered(startedAt, url, started, sent.result(), snippet)
            : new Outcome(startedAt, url, null, elapsed(started), describe(sent.cause()), snippet.text(), null)));
    return done.future().onComplete(finished -> {
      vertx.cancelTimer(deadline);
      client.close();
    });
  }

  /** The body goes out as the very bytes that were signed. */
  private static Future<HttpResponse<Void>> post(WebClient client, WebhookTargets.Target target, String webhookId,
                                                 String body, String[] secrets, Snippet snippet) {
    long timestamp = Instant.now().getEpochSecond();
    return client
        .request(HttpMethod.POST, SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()),
            new RequestOptions().setHost(target.host()).setPort(target.port()).setURI(target.requestUri())
                .setSsl(target.ssl()))
        .followRedirects(false)
        .putHeader("Content-Type", "application/json")
        .putHeader("webhook-id", webhookId)
        .putHeader("webhook-timestamp", String.valueOf(timestamp))
        .putHeader("webhook-signature", WebhookSigner.signature(webhookId, timestamp, body, secrets))
        .as(BodyCodec.pipe(snippet))
        .sendBuffer(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static Outcome answered(Instant startedAt, String url, long started, HttpResponse<Void> response,
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
  private static final class Snippet implements WriteStream<Buffer> {
    private final Buffer kept = Buffer.buffer();

    String text() {
      return kept.length() == 0 ? null : clean(kept.toString(StandardCharsets.UTF_8));
    }

    @Override
    public Future<Void> write(Buffer data) {
      int room = SNIPPET_BYTES - kept.length();
      if (room > 0) {
        kept.appendBuffer(data.length() <= room ? data : data.slice(0, room));
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
