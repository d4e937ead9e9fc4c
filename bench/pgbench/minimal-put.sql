-- The minimal ceiling for PUT /v1/meetings/{id} (issue 20): a reschedule and its outbox event in one
-- transaction, on the minimal tables (sql/minimal.sql). No authentication.
-- The new times come from an integer parameter; the event's payload is what the bare service
-- writes for the seed's body (-D payload_updated).
-- Variables (-D): acct, pfx, meetings, attendees, payload_updated.
\set n random(1, :meetings)
\set t random(0, 500000)
BEGIN;
UPDATE bench_minimal.meetings
   SET start_at = timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute',
       end_at = timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute',
       start_offset = -28800, attendees = :attendees, version = version + 1, updated_at = now()
 WHERE id = :pfx || lpad(:n::text, 11, '0') AND tenant = :acct
RETURNING version
\gset
INSERT INTO bench_minimal.events (tenant, meeting_id, type, sequence, payload, created_at)
  VALUES (:acct, :pfx || lpad(:n::text, 11, '0'), 'meeting.updated', :version, :payload_updated, now());
COMMIT;
