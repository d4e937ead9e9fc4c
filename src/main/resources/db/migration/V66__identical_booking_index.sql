-- The identical-booking check (contracts-scheduling.md §B5) looks for a live booking of the event by the same
-- booker at the same times. By meeting_event_id alone (V41) it read every meeting ever booked through the event,
-- more with each booking; by the event and the booker's email it reads that booker's bookings of the event. The
-- index names no column a reschedule changes (V41): attendees is indexed already (meetings_attendees), so a
-- reschedule that keeps the attendees stays a HOT update.
CREATE INDEX meetings_meeting_event_booker ON meetings (meeting_event_id, lower(attendees -> 0 ->> 'email'))
  WHERE meeting_event_id IS NOT NULL;
DROP INDEX meetings_meeting_event;
