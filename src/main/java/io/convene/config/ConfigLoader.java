package io.convene.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the configuration once, before Vert.x exists (the event-loop count sizes Vert.x itself):
 * the packaged {@code config.json} defaults, then an optional file ({@code --config} or
 * {@code CONVENE_CONFIG}), then {@code CONVENE_*} environment variables, then command-line options.
 * Later sources override earlier ones; every key is named the same way in each
 * ({@code http_port} = {@code CONVENE_HTTP_PORT} = {@code --http-port}).
 */
public final class ConfigLoader {
  static final String ENV_PREFIX = "CONVENE_";
  private static final String CONFIG_FILE_KEY = "config";

  private ConfigLoader() {
  }

  /** Keys whose values are never printed: only whether they are set. */
  private static final Set<String> SECRET_KEYS = Set.of("secrets_key", "admin_token", "jwt_secret", "google_client_secret",
      "booking_token_secret");

  /**
   * The validated configuration with the value of every key and where it came from: {@code default},
   * {@code file}, {@code env} or {@code cli}.
   */
  public record Loaded(ConveneConfig config, JsonObject values, Map<String, String> sources) {
    /** One line per key, {@code key = value (source)}, secrets redacted: what {@code --check-config} prints. */
    public String summary() {
      StringBuilder out = new StringBuilder();
      for (String key : values.fieldNames()) {
        Object value = values.getValue(key);
        String shown = value == null || value.toString().isBlank() ? "(unset)" : redact(key, value.toString());
        out.append(String.format("  %-30s = %s (%s)%n", key, shown, sources.get(key)));
      }
      return out.toString();
    }
  }

  public static ConveneConfig load(String[] args, Map<String, String> env) {
    return loadWithSources(args, env).config();
  }

  public static Loaded loadWithSources(String[] args, Map<String, String> env) {
    JsonObject merged = packagedDefaults();
    Map<String, String> sources = new LinkedHashMap<>();
    merged.fieldNames().forEach(key -> sources.put(key, "default"));
    JsonObject cli = parseArgs(args, merged);
    String file = cli.containsKey(CONFIG_FILE_KEY) ? cli.getString(CONFIG_FILE_KEY) : env.get(ENV_PREFIX + "CONFIG");
    if (file != null) {
      mergeFrom(merged, sources, readFile(Path.of(file)), "file");
    }
    mergeFrom(merged, sources, fromEnv(env, merged), "env");
    cli.remove(CONFIG_FILE_KEY);
    mergeFrom(merged, sources, cli, "cli");
    return new Loaded(ConveneConfig.from(merged), merged, sources);
  }

  private static void mergeFrom(JsonObject merged, Map<String, String> sources, JsonObject layer, String source) {
    merged.mergeIn(layer);
    layer.fieldNames().forEach(key -> sources.put(key, source));
  }

  /** A value as it may be shown: secrets as {@code ***}, the database URL without its password. */
  public static String redact(String key, String value) {
    if (SECRET_KEYS.contains(key)) {
      return "***";
    }
    return key.equals("database_url") ? value.replaceAll("://[^@/]*@", "://***@") : value;
  }

  public static JsonObject packagedDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/config.json")) {
      if (in == null) {
        throw new IllegalStateException("config.json is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the packaged config.json", e);
    }
  }

  private static JsonObject readFile(Path path) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException("config: cannot read configuration file " + path.toAbsolutePath() + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("config: " + path.toAbsolutePath() + " is not a JSON object: " + e.getMessage());
    }
  }

  private static JsonObject fromEnv(Map<String, String> env, JsonObject known) {
    JsonObject out = new JsonObject();
    for (String key : known.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        out.put(key, value);
      }
    }
    return out;
  }

  private static JsonObject parseArgs(String[] args, JsonObject known) {
    JsonObject out = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("unexpected argument '" + arg + "'; options look like --http-port 8080 (see --help)");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException("option --" + name + " needs a value");
      }
      String key = name.replace('-', '_').toLowerCase(Locale.ROOT);
      if (!known.containsKey(key) && !key.equals(CONFIG_FILE_KEY)) {
        throw new ConfigException("unknown option --" + name + "; known: " + String.join(", ", optionNames(known)));
      }
      out.put(key, value);
    }
    return out;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
  }

  public static String optionName(String key) {
    return "--" + key.replace('_', '-');
  }

  private static java.util.List<String> optionNames(JsonObject known) {
    return known.fieldNames().stream().sorted().map(ConfigLoader::optionName).toList();
  }
}
