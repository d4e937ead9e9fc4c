package io.convene.http;

import io.convene.errors.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one strict decoder of percent-encoded input: the query string of every request (decoded here,
 * once, before any route runs; routes read it with {@link #query}), the token endpoint's form body and
 * the request path. Netty's decoder throws on a broken {@code %}-escape (which surfaced as a 500) and
 * quietly turns invalid UTF-8 into U+FFFD; here a broken escape, bytes that are not UTF-8 (overlong
 * forms, encoded surrogates), control characters, a parameter without a name and one given twice are a
 * 400 that names the parameter. {@code +} is a space in queries and forms, itself in paths; a parameter
 * without {@code =} has the empty value.
 */
public final class UrlEncoded implements Handler<RoutingContext> {
  private static final String KEY = "convene.query";

  /** Where the text came from, for the error code and message. */
  public enum Source {
    QUERY("invalid_query", "in the query string"),
    FORM("invalid_form", "in the form body"),
    PATH("invalid_path", "in the request path");

    private final String code;
    private final String where;

    Source(String code, String where) {
      this.code = code;
      this.where = where;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query != null && !query.isEmpty()) {
      try {
        ctx.put(KEY, decode(query, Source.QUERY));
      } catch (ApiException e) {
        ctx.fail(e);
        return;
      }
    }
    ctx.next();
  }

  /** A query parameter as {@link UrlEncoded} decoded it; {@code null} when absent. */
  public static String query(RoutingContext ctx, String name) {
    MultiMap params = ctx.get(KEY);
    return params == null ? null : params.get(name);
  }

  /** {@code name=value&...}, each name at most once (compared without case). */
  public static MultiMap decode(String text, Source source) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('&', start);
      if (end < 0) {
        end = text.length();
      }
      if (end > start) {
        int eq = text.indexOf('=', start);
        boolean hasValue = eq >= 0 && eq < end;
        String name = component(text, start, hasValue ? eq : end, source, null);
        if (name.isEmpty()) {
          throw new ApiException(400, source.code, "a parameter " + source.where + " has no name", null);
        }
        String value = hasValue ? component(text, eq + 1, end, source, name) : "";
        if (params.contains(name)) {
          throw new ApiException(400, source.code, name + " must not be repeated", name);
        }
        params.add(name, value);
      }
      start = end + 1;
    }
    return params;
  }

  /** One encoded name or value on its own (e.g. a part of HTTP Basic credentials, RFC 6749 §2.3.1). */
  public static String value(String text, Source source) {
    return component(text, 0, text.length(), source, null);
  }

  /** The decoded request path; a 400 when it has a broken escape, bytes that are not UTF-8 or control characters. */
  public static String path(String rawPath) {
    return component(rawPath, 0, rawPath.length(), Source.PATH, null);
  }

  /**
   * {@code text[from, to)} decoded. Characters up to U+00FF stand for the bytes they were read from
   * (Netty reads the request line as ISO-8859-1, and forms are read that way), so raw UTF-8 decodes too.
   */
  private static String component(String text, int from, int to, Source source, String field) {
    String decoded;
    if (isPlain(text, from, to, source)) {
      decoded = text.substring(from, to);
    } else {
      byte[] bytes = new byte[to - from];
      int n = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c == '%') {
          int hi = i + 2 < to ? hex(text.charAt(i + 1)) : -1;
          int lo = hi >= 0 ? hex(text.charAt(i + 2)) : -1;
          if (lo < 0) {
            throw refused(source, field, "has a broken %-escape (% must be followed by two hex digits)");
          }
          bytes[n++] = (byte) (hi << 4 | lo);
          i += 2;
        } else if (c == '+' && source != Source.PATH) {
          bytes[n++] = ' ';
        } else if (c > 0xff) {
          throw refused(source, field, "is not valid UTF-8");
        } else {
          bytes[n++] = (byte) c;
        }
      }
      try {
        decoded = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, n))
            .toString();
      } catch (CharacterCodingException e) {
        throw refused(source, field, "is not valid UTF-8");
      }
    }
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw refused(source, field, "contains control characters");
      }
    }
    return decoded;
  }

  /** Visible ASCII with nothing to decode: the common case, taken as it is. */
  private static boolean isPlain(String text, int from, int to, Source source) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '%' || c > 0x7e || c < 0x20 || c == '+' && source != Source.PATH) {
        return false;
      }
    }
    return true;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static ApiException refused(Source source, String field, String problem) {
    String subject = field != null ? field + " " + source.where
        : source == Source.PATH ? "the request path" : "a parameter name " + source.where;
    return new ApiException(400, source.code, subject + " " + problem, field);
  }
}
