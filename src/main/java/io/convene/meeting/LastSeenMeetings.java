package io.convene.meeting;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The meetings this process last created or changed, as they were then: what the next change of one
 * is worked out from, instead of reading it first. Never an answer to a read: a change made from a meeting seen
 * here is written on condition that the row is still at that version (another instance may have
 * changed it since), and is worked out again from a fresh read when it is not. Shared by the event
 * loops' store instances, so that one loop's write is the next loop's basis; bounded, least used first
 * out. A size of 0 keeps nothing (every change reads first).
 */
public final class LastSeenMeetings {
  private final Cache<String, Meeting> meetings;

  public LastSeenMeetings(int maxMeetings) {
    this.meetings = maxMeetings == 0 ? null : Caffeine.newBuilder().maximumSize(maxMeetings).build();
  }

  /** {@code null} when not seen (or not kept). */
  Meeting get(String accountId, String meetingId) {
    return meetings == null ? null : meetings.getIfPresent(key(accountId, meetingId));
  }

  void saw(Meeting meeting) {
    if (meetings != null) {
      meetings.put(key(meeting.accountId(), meeting.id()), meeting);
    }
  }

  void forget(String accountId, String meetingId) {
    if (meetings != null) {
      meetings.invalidate(key(accountId, meetingId));
    }
  }

  private static String key(String accountId, String meetingId) {
    return accountId + '/' + meetingId;
  }
}
