-- The ceiling for PUT /v1/meetings/{id} (a reschedule): what Convene runs per request, as Convene runs it.
--   The API key is answered from the credential cache and the meeting from the last-seen meetings (no
--   statement); MeetingSql.CHANGE_OFF_CALENDAR (the seeded meetings name no calendar connection and no
--   calendar mirrors them): one statement (autocommit) that updates the row on condition of its version,
--   appends the meeting.updated event and fans it out to the tenant's webhook endpoints (Outbox).
-- Differences that cost the server nothing measurable: pgbench cannot know the row's version, so the
-- condition is on the row itself and the event's sequence comes from RETURNING; the new times are computed
-- from an integer parameter; columns that are always NULL for the seeded meetings are NULL literals
-- (pgbench's \gset turns NULL into ''); the events' data is a real meeting.updated data object Convene
-- wrote during the run (-D updated_data), and the people are the seeded ones (-D people). The seed's PUT
-- moves the meeting, so Convene appends meeting.rescheduled after meeting.updated (contracts-scheduling
-- A9, sequence NULL): so does this script.
-- Variables (-D): keyid, acct, pfx, meetings, emails, people, updated_data.
\set n random(1, :meetings)
\set t random(0, 500000)
\set e random(1, 99999999999999999)
WITH changed AS (UPDATE meetings SET title = 'Bench meeting', description = NULL, location = 'Google Meet',
       start_at = timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute', start_offset = -28800,
       end_at = timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute', end_offset = -28800,
       hosts = '[]'::jsonb, attendees = attendees, attendee_emails = :emails, notes = NULL, conferencing = NULL,
       calendar_connection_id = NULL, cancelled_at = NULL, cancelled_by = NULL, cancel_reason = NULL,
       version = version + 1, updated_at = now()
  WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct AND version = version
  RETURNING id, account_id, version, calendar_connection_id),
 appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
  SELECT e.id, c.account_id, c.id, e.type, CASE WHEN e.type = 'meeting.updated' THEN c.version END, e.data, now()
  FROM changed c, unnest(ARRAY['evt_pgbput' || lpad(:e::text, 18, '0'), 'evt_pgbrsc' || lpad(:e::text, 18, '0')]::text[],
       ARRAY['meeting.updated', 'meeting.rescheduled']::text[],
       ARRAY[:updated_data::jsonb, :updated_data::jsonb]) AS e(id, type, data)
  RETURNING id, account_id, type, seq),
 delivered AS (INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)
  SELECT a.account_id, w.id, a.id, w.url, now() FROM appended a
  JOIN webhook_endpoints w ON w.account_id = a.account_id AND w.enabled AND a.type = ANY (w.event_types)
  ORDER BY a.seq, w.id
  RETURNING 1)
SELECT (SELECT count(*) FROM changed) AS changed, (SELECT count(*) FROM delivered) AS deliveries_queued,
       0::bigint AS calendar_jobs_queued, NULL::json AS calendar_sync, NULL::json AS calendar_connection;
