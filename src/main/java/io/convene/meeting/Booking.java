package io.convene.meeting;

import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * What a booking adds to the meeting it creates: the meeting event it was booked through, and what its
 * {@code meeting.scheduled} data says beyond the rest (worked out from the new meeting: links name its id).
 */
public record Booking(String meetingEventId, String meetingEventSlug, Function<Meeting, JsonObject> eventData) {
}
