package io.convene.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where webhooks may go: by default only {@code https://} URLs whose host resolves to public
 * addresses, so that a tenant cannot make Convene call into its own network (SSRF). Checked when a
 * URL is registered and again before every connection (DNS can change); the connection then goes to
 * the very address that was checked. {@code webhooks_allow_insecure} also allows {@code http://} and
 * private or loopback targets, for development and tests.
 */
public final class WebhookTargets {
  public static final int MAX_URL = 2_000;
  private static final long REGISTRATION_LOOKUP_SECONDS = 5;
  private static final String OVERRIDE = "CONVENE_WEBHOOKS_ALLOW_INSECURE=true";

  /** A URL that may not be used; the message completes a sentence that starts with the field's name. */
  public static final class Refused extends RuntimeException {
    private final String code;

    Refused(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** A checked target: connect to {@code address}, speak to {@code host}. */
  record Target(URI uri, String host, int port, boolean ssl, InetAddress address) {
    String requestUri() {
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
  }

  private final Vertx vertx;
  private final boolean allowInsecure;

  public WebhookTargets(Vertx vertx, boolean allowInsecure) {
    this.vertx = vertx;
    this.allowInsecure = allowInsecure;
  }

  /**
   * At registration: the URL's form, its scheme, and the addresses its host has now. A name that does
   * not resolve yet is accepted (the connect-time check decides); one that resolves to a private
   * address is not.
   *
   * @return the URL as given, or a failed future with {@link Refused}
   */
  public Future<String> check(Object value) {
    URI uri;
    try {
      uri = parse(value);
    } catch (Refused e) {
      return Future.failedFuture(e);
    }
    return lookup(uri)
        .timeout(REGISTRATION_LOOKUP_SECONDS, TimeUnit.SECONDS)
        .transform(resolved -> {
          if (resolved.succeeded()) {
            for (InetAddress address : resolved.result()) {
              if (!allowed(address)) {
                return Future.failedFuture(privateTarget(uri, address));
              }
            }
          }
          return Future.succeededFuture((String) value);
        });
  }

  /** Before connecting: the address to connect to, every address of the host being allowed. */
  Future<Target> resolve(String url) {
    URI uri;
    try {
      uri = parse(url);
    } catch (Refused e) {
      return Future.failedFuture(e);
    }
    return lookup(uri).transform(resolved -> {
      if (resolved.failed()) {
        return Future.failedFuture(new Refused("unresolvable_host", "host " + uri.getHost() + " does not resolve"));
      }
      for (InetAddress address : resolved.result()) {
        if (!allowed(address)) {
          return Future.failedFuture(privateTarget(uri, address));
        }
      }
      boolean ssl = uri.getScheme().equalsIgnoreCase("https");
      int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
      return Future.succeededFuture(new Target(uri, bare(uri.getHost()), port, ssl, resolved.result()[0]));
    });
  }

  private URI parse(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new Refused("invalid_url", "must be a URL string");
    }
    if (text.length() > MAX_URL) {
      throw new Refused("invalid_url", "must be at most " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new Refused("invalid_url", "is not a valid URL");
    }
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
      throw new Refused("invalid_url", "must be an absolute URL with a host, like https://example.com/hooks");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && allowInsecure)) {
      throw new Refused("unsupported_scheme", "must use https://" + (scheme.equals("http")
          ? " (http:// is allowed only with " + OVERRIDE + ")" : ""));
    }
    if (uri.getRawUserInfo() != null) {
      throw new Refused("invalid_url", "must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw new Refused("invalid_url", "must not have a #fragment");
    }
    return uri;
  }

  /** The system resolver (hosts file, then DNS) blocks, so it runs on a worker thread. */
  private Future<InetAddress[]> lookup(URI uri) {
    String host = bare(uri.getHost());
    return vertx.executeBlocking(() -> InetAddress.getAllByName(host), false);
  }

  private boolean allowed(InetAddress address) {
    return allowInsecure || isPublic(address);
  }

  private static Refused privateTarget(URI uri, InetAddress address) {
    return new Refused("private_target", "must reach a public address, but " + uri.getHost() + " is "
        + address.getHostAddress() + " (private, loopback or reserved targets are allowed only with " + OVERRIDE + ")");
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Whether the address is routable on the public internet: not loopback, private, link-local, reserved or multicast. */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(b, 0);
    }
    Inet6Address v6 = (Inet6Address) address;
    if (v6.isIPv4CompatibleAddress()) {
      return isPublicV4(b, 12);
    }
    int first = b[0] & 0xff;
    if ((first & 0xfe) == 0xfc || first == 0) {
      return false; // fc00::/7 unique local; ::/8 reserved (also ::ffff:0:0/96 left as v6)
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b)) {
      return isPublicV4(b, 12); // 64:ff9b::/96 NAT64 carries an IPv4 address
    }
    if (startsWith(b, 0x20, 0x02)) {
      return isPublicV4(b, 2); // 2002::/16 6to4 carries an IPv4 address
    }
    return !startsWith(b, 0x20, 0x01, 0x0d, 0xb8); // 2001:db8::/32 documentation
  }

  // 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16, 198.18/15,
  // 198.51.100/24, 203.0.113/24, 224/4 multicast, 240/4 reserved and broadcast.
  private static boolean isPublicV4(byte[] b, int at) {
    int a = b[at] & 0xff;
    int c = b[at + 1] & 0xff;
    int d = b[at + 2] & 0xff;
    return !(a == 0 || a == 10 || a == 127 || a >= 224
        || (a == 100 && c >= 64 && c < 128)
        || (a == 169 && c == 254)
        || (a == 172 && c >= 16 && c < 32)
        || (a == 192 && c == 0 && (d == 0 || d == 2))
        || (a == 192 && c == 168)
        || (a == 198 && (c == 18 || c == 19))
        || (a == 198 && c == 51 && d == 100)
        || (a == 203 && c == 0 && d == 113));
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
