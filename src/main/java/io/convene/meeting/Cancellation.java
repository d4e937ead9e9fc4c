package io.convene.meeting;

import java.time.Instant;

/** When, by which tenant and why a meeting was cancelled. Cancellation is final. */
public record Cancellation(Instant at, String by, String reason) {
}
