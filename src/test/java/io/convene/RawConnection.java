package io.convene;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP connection that speaks HTTP/1.1 by hand, for what a well-behaved client cannot send: bytes as
 * they are (chars up to U+00FF as one byte each), a head or body that never ends, a connection that is
 * never closed.
 */
public final class RawConnection {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

  private final NetClient client;
  private final NetSocket socket;
  private final StringBuilder received = new StringBuilder();
  private final StringBuilder all = new StringBuilder();
  private final Promise<String> closed = Promise.promise();
  private Promise<String> response;

  private RawConnection(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(data -> {
      String text = data.toString(StandardCharsets.ISO_8859_1);
      received.append(text);
      all.append(text);
      checkResponse();
    });
    socket.closeHandler(v -> {
      closed.tryComplete(all.toString());
      client.close();
    });
  }

  /** Connects to 127.0.0.1:{@code port} from {@code localAddress} (any 127.x.y.z works on Linux). */
  public static Future<RawConnection> open(Vertx vertx, int port, String localAddress) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setLocalAddress(localAddress));
    return client.connect(port, "127.0.0.1").map(socket -> new RawConnection(client, socket));
  }

  public static Future<RawConnection> open(Vertx vertx, int port) {
    return open(vertx, port, "127.0.0.1");
  }

  public RawConnection write(String bytes) {
    socket.write(Buffer.buffer(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    return this;
  }

  /** Everything the server sent on this connection, once it has closed it. */
  public Future<String> closed() {
    return closed.future();
  }

  /** The next complete response (a head with Content-Length and that many body bytes), taken off what was received. */
  public Future<String> response() {
    response = Promise.promise();
    checkResponse();
    return response.future();
  }

  public void close() {
    socket.close();
  }

  private void checkResponse() {
    if (response == null) {
      return;
    }
    String text = received.toString();
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return;
    }
    Matcher length = CONTENT_LENGTH.matcher(text.substring(0, headEnd));
    int end = headEnd + 4 + (length.find() ? Integer.parseInt(length.group(1)) : 0);
    if (text.length() >= end) {
      Promise<String> done = response;
      response = null;
      received.delete(0, end);
      done.complete(text.substring(0, end));
    }
  }
}
