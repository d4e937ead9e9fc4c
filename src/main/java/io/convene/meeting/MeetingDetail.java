package io.convene.meeting;

/** How much of what a meeting refers to a read brings back with it. */
public enum MeetingDetail {
  /** The slug of the meeting event it was booked from and the details of the calendar connection it names. */
  WITH_REFERENCES,
  /**
   * Their ids only: {@link Origin#meetingEventSlug()} and {@link CalendarSync#connection()} are null. What the
   * Platform API shows of a meeting, read without two lookups.
   */
  WITHOUT_REFERENCES
}
