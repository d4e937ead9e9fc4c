-- meetings_meeting_event (V40) named start_at, which every reschedule changes: PostgreSQL then makes no update
-- that changes start_at a HOT update, whether or not the row is in the partial index, so every reschedule wrote
-- a new entry into every index of meetings (four of them GIN), as before V32. The identical-booking check finds
-- an event's meetings by meeting_event_id alone and compares the times on those rows. Measured with the PUT of
-- the benchmark (pg_stat_statements over 10 s on one instance): with the V40 index nearly every update ran the
-- GIN key function meeting_email_keys (non-HOT), 15,000 of 15,000; without it 213 of 19,000.
DROP INDEX meetings_meeting_event;
CREATE INDEX meetings_meeting_event ON meetings (meeting_event_id) WHERE meeting_event_id IS NOT NULL;
