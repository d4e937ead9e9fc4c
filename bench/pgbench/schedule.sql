-- The ceiling for POST /v1/schedule: what Convene runs per request, as Convene runs it.
--   The API key is answered from the credential cache (no statement); MeetingSql.CREATE_OFF_CALENDAR: one
--   statement (autocommit) that inserts the meeting unless one of the attendees has a live calendar connection
--   (none here; then Convene runs MeetingSql.CREATE instead), appends the meeting.scheduled event and fans it out
--   to the tenant's webhook endpoints (Outbox).
-- As in put.sql, the times come from an integer parameter, NULL columns are literals, and people and
-- event data are real values Convene wrote during the run (-D people, scheduled_data).
-- Variables (-D): keyid, acct, title, location, hosts, people, emails, scheduled_data.
\set e random(1, 99999999999999999)
\set t random(0, 500000)
WITH changed AS (INSERT INTO meetings (id, account_id, title, description, location, start_at, start_offset,
                      end_at, end_offset, hosts, attendees, attendee_emails, notes, conferencing,
                      calendar_connection_id, version, created_at, updated_at, source, meeting_event_id, booked_by)
  SELECT 'meet_pgb' || lpad(:e::text, 17, '0'), :acct, :title, NULL, :location,
         timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute', -28800,
         timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute', -28800,
         :hosts, :people, :emails, NULL, NULL, NULL, 1, now(), now(), 'api', NULL, NULL
  WHERE NULL::text IS NULL AND NOT EXISTS (SELECT k.id FROM calendar_connections k WHERE k.account_id = :acct
     AND k.email_key = ANY (:emails::text[]) AND k.revoked_at IS NULL)
  RETURNING id, account_id, seq, version),
 appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
  SELECT e.id, c.account_id, c.id, e.type, e.sequence, e.data, now()
  FROM changed c, unnest(ARRAY['evt_pgbsch' || lpad(:e::text, 18, '0')]::text[], ARRAY['meeting.scheduled']::text[],
       ARRAY[1]::int[], ARRAY[:scheduled_data::jsonb]) AS e(id, type, sequence, data)
  RETURNING id, account_id, type, seq),
 delivered AS (INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)
  SELECT a.account_id, w.id, a.id, w.url, now() FROM appended a
  JOIN webhook_endpoints w ON w.account_id = a.account_id AND w.enabled AND a.type = ANY (w.event_types)
  ORDER BY a.seq, w.id
  RETURNING 1)
SELECT (SELECT seq FROM changed) AS seq, NULL::text AS calendar_connection_id,
       (SELECT count(*) FROM delivered) AS deliveries_queued, 0::bigint AS calendar_jobs_queued,
       NULL::json AS calendar_sync, NULL::json AS calendar_connection;
