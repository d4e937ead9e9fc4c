-- The minimal ceiling for POST /v1/schedule (issue 20): a new meeting and its outbox event in one
-- transaction, on the minimal tables (sql/minimal.sql). No authentication.
-- The times come from an integer parameter; the event's payload is what the bare service writes for
-- the seed's body (-D payload_scheduled).
-- Variables (-D): acct, attendees, payload_scheduled.
\set e random(1, 99999999999999999)
\set t random(0, 500000)
BEGIN;
INSERT INTO bench_minimal.meetings (id, tenant, start_at, end_at, start_offset, attendees, version, updated_at)
  VALUES ('meet_pgb' || lpad(:e::text, 17, '0'), :acct,
          timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute',
          timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute',
          -28800, :attendees, 1, now());
INSERT INTO bench_minimal.events (tenant, meeting_id, type, sequence, payload, created_at)
  VALUES (:acct, 'meet_pgb' || lpad(:e::text, 17, '0'), 'meeting.scheduled', 1, :payload_scheduled, now());
COMMIT;
