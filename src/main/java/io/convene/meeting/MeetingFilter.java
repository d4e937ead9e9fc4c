package io.convene.meeting;

import java.time.OffsetDateTime;

/**
 * List filters of both surfaces; {@code null} means "any".
 *
 * @param status       {@code scheduled} or {@code cancelled}
 * @param nameContains case-insensitive part of the title
 */
public record MeetingFilter(
    String attendeeEmail,
    String attendeeId,
    String hostId,
    String nameContains,
    String status,
    OffsetDateTime startAfter,
    OffsetDateTime startBefore,
    OffsetDateTime updatedSince) {

  public static final MeetingFilter ALL = new MeetingFilter(null, null, null, null, null, null, null, null);
}
