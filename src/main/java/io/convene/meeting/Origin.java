package io.convene.meeting;

/**
 * Where a meeting came from: what made it ({@code api}, {@code auto}, {@code booking}, ...; {@code null} for
 * meetings made before this was kept) and, for a booking, its meeting event and the person id of the booker.
 */
public record Origin(String source, String meetingEventId, String meetingEventSlug, String bookedBy) {
}
