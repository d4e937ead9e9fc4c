package io.convene.config;

/** A configuration value that cannot be used; the message names the key and where it can be set. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
