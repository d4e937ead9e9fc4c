package io.convene.meeting;

import io.vertx.core.json.JsonObject;

/** How people join: a provider name and a join URL (the Meet link once calendar sync makes one). */
public record Conferencing(String provider, String joinUrl) {

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("joinUrl", joinUrl);
  }

  public static Conferencing fromJson(JsonObject json) {
    return json == null ? null : new Conferencing(json.getString("provider"), json.getString("joinUrl"));
  }
}
