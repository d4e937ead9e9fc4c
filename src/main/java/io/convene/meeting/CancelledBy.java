package io.convene.meeting;

/**
 * Who cancels a meeting other than its tenant (an attendee through a manage link), why, with what words,
 * and what the {@code meeting.cancelled} event names as its source.
 */
public record CancelledBy(String by, String reason, String message, String source) {
}
