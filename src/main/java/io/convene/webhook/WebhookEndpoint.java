package io.convene.webhook;

import java.util.List;

/**
 * Where a tenant's events go. The signing secret is not part of it: it is shown once, when issued.
 *
 * @param disabledReason why Convene turned it off ({@code gone} after a 410, {@code failing} after five
 *                       days without a success), or {@code null}
 */
public record WebhookEndpoint(
    String id,
    String accountId,
    boolean primary,
    String url,
    List<String> eventTypes,
    boolean enabled,
    String disabledReason,
    int maxRetries,
    int timeoutSeconds) {

  public static final int DEFAULT_MAX_RETRIES = 7;
  public static final int MAX_RETRIES = 20;
  public static final int DEFAULT_TIMEOUT_SECONDS = 15;
  public static final int MAX_TIMEOUT_SECONDS = 30;

  /** What a new endpoint gets when it names no types. */
  public static final List<String> DEFAULT_EVENT_TYPES = List.of(
      "meeting.scheduled", "meeting.updated", "meeting.cancelled",
      "user.calendar.connected", "user.calendar.disconnected", "meeting.calendar_sync_failed",
      "user.preferences.updated");
  /**
   * What a tenant can subscribe to (contracts.md §4): the defaults, and {@code meeting.rescheduled}, which
   * repeats {@code meeting.updated} for a move and is sent only when asked for by name.
   * {@code webhook.test} is sent on request only.
   */
  public static final List<String> EVENT_TYPES = java.util.stream.Stream.concat(DEFAULT_EVENT_TYPES.stream(),
      java.util.stream.Stream.of("meeting.rescheduled")).toList();
  public static final String TEST_EVENT = "webhook.test";
}
