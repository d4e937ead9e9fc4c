package io.convene.meeting;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * A host or attendee. {@code mobile} is kept as given ({@code country, number, verified, valid,
 * lineType}) so that it round-trips unchanged. The stored JSON is the Accounts API's item shape.
 */
public record Person(String id, String email, String firstName, String lastName, JsonObject mobile) {

  public static Person withEmail(String email) {
    return new Person(null, email, null, null, null);
  }

  public String emailKey() {
    return email.toLowerCase(Locale.ROOT);
  }

  public Person withId(String newId) {
    return new Person(newId, email, firstName, lastName, mobile);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("email", email);
    if (firstName != null) {
      json.put("firstName", firstName);
    }
    if (lastName != null) {
      json.put("lastName", lastName);
    }
    if (mobile != null) {
      json.put("mobile", mobile.copy());
    }
    return json;
  }

  public static Person fromJson(JsonObject json) {
    return new Person(json.getString("id"), json.getString("email"), json.getString("firstName"),
        json.getString("lastName"), json.getJsonObject("mobile"));
  }
}
