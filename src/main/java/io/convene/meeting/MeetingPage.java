package io.convene.meeting;

import java.util.List;

/** One page of a list, in creation order; {@code hasMore} says whether a further page exists. */
public record MeetingPage(List<Meeting> meetings, boolean hasMore) {

  /** The cursor that continues after this page: the position of its last meeting. */
  public Long lastSeq() {
    return meetings.isEmpty() ? null : meetings.get(meetings.size() - 1).seq();
  }
}
