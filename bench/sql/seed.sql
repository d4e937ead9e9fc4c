-- Seeds :count meetings of account :acct with deterministic ids (:pfx followed by the zero-padded
-- number, 25 characters like the API's meet_ + 20), in the same column shapes the API writes for
-- POST /v1/schedule with the seed's two attendees, each with its meeting.scheduled event row.
-- Deterministic ids let pgbench address a random meeting without an extra round trip.
-- psql variables: acct, pfx, digits, evt (event id prefix), count.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_seed ON COMMIT DROP AS
SELECT n,
       :'pfx' || lpad(n::text, :digits, '0') AS id,
       timestamptz '2026-01-05 16:00:00+00' + n * interval '1 hour' AS start_at,
       now() AS at
FROM generate_series(1, :count) AS n;

INSERT INTO meetings (id, account_id, title, description, location, start_at, start_offset, end_at, end_offset,
                      hosts, attendees, attendee_emails, notes, conferencing, calendar_connection_id, version,
                      created_at, updated_at)
SELECT id, :'acct', 'Bench meeting', NULL, 'Google Meet',
       start_at, -28800, start_at + interval '30 minutes', -28800,
       '[]'::jsonb,
       jsonb_build_array(
         jsonb_build_object('id', 'per_' || substr(md5(id || 'a'), 1, 20), 'email', 'alice@example.com'),
         jsonb_build_object('id', 'per_' || substr(md5(id || 'b'), 1, 20), 'email', 'bob@example.com')),
       ARRAY['alice@example.com', 'bob@example.com'], NULL, NULL, NULL, 1, at, at
FROM bench_seed ORDER BY n;

INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
SELECT :'evt' || lpad(n::text, 28 - length(:'evt'), '0'), :'acct', id, 'meeting.scheduled', 1,
       jsonb_build_object(
         'meeting_id', id,
         'title', 'Bench meeting',
         'start_time', to_char(start_at AT TIME ZONE INTERVAL '-08:00', 'YYYY-MM-DD"T"HH24:MI:SS') || '-08:00',
         'end_time', to_char((start_at + interval '30 minutes') AT TIME ZONE INTERVAL '-08:00',
                             'YYYY-MM-DD"T"HH24:MI:SS') || '-08:00',
         'attendees', jsonb_build_array('alice@example.com', 'bob@example.com'),
         'location', 'Google Meet',
         'meet_link', NULL,
         'scheduled_at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         'sequence', 1),
       at
FROM bench_seed ORDER BY n;
COMMIT;
VACUUM ANALYZE meetings;
VACUUM ANALYZE events;
VACUUM ANALYZE api_keys;
