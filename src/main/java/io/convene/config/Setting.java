package io.convene.config;

/**
 * One configuration setting: its key ({@code http_port}, also {@code CONVENE_HTTP_PORT} and
 * {@code --http-port}), type, default ({@code null}: unset), bounds (whole numbers), how its value may be
 * shown, and what it means. The defaults, the type and bound checks, {@code --help}, the redaction of
 * {@code --check-config} and README's configuration table are all made from these.
 *
 * @param unsetText what README and {@code --help} say when there is no default value
 */
public record Setting(String key, Type type, Object defaultValue, Integer min, Integer max, Shown shown,
                      String unsetText, String description) {
  public enum Type { STRING, INTEGER, BOOLEAN }

  /** How a value is printed by {@code --check-config} and in error messages. */
  public enum Shown { PLAIN, SECRET, PASSWORD_IN_URL }

  static Setting string(String key, String defaultValue, String description) {
    return new Setting(key, Type.STRING, defaultValue, null, null, Shown.PLAIN, "unset", description);
  }

  static Setting integer(String key, Integer defaultValue, int min, int max, String description) {
    return new Setting(key, Type.INTEGER, defaultValue, min, max, Shown.PLAIN, "unset", description);
  }

  static Setting bool(String key, Boolean defaultValue, String description) {
    return new Setting(key, Type.BOOLEAN, defaultValue, null, null, Shown.PLAIN, "unset", description);
  }

  /** Printed as {@code ***}: only whether it is set shows. */
  Setting secret() {
    return new Setting(key, type, defaultValue, min, max, Shown.SECRET, unsetText, description);
  }

  /** A URL printed without the password in it. */
  Setting passwordInUrl() {
    return new Setting(key, type, defaultValue, min, max, Shown.PASSWORD_IN_URL, unsetText, description);
  }

  /** What stands in the default column when there is no default value. */
  Setting unset(String text) {
    return new Setting(key, type, defaultValue, min, max, shown, text, description);
  }

  public String envName() {
    return ConfigLoader.envName(key);
  }

  public String optionName() {
    return ConfigLoader.optionName(key);
  }

  /** The default as README's table shows it. */
  String defaultText() {
    return defaultValue == null ? unsetText : "`" + defaultValue + "`";
  }

  /** The value as it may be printed. */
  String shown(String value) {
    return switch (shown) {
      case SECRET -> "***";
      case PASSWORD_IN_URL -> value.replaceAll("://[^@/]*@", "://***@");
      case PLAIN -> value;
    };
  }
}
