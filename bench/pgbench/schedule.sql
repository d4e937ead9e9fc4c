-- The ceiling for POST /v1/schedule: what Convene runs per request, as Convene runs it.
--   The API key is answered from the credential cache (no statement); MeetingSql.CREATE: one statement
--   (autocommit) that inserts the meeting on the first attendee's live calendar connection (none here),
--   appends the meeting.scheduled event, fans it out to the tenant's webhook endpoints and queues the
--   calendar job when there is calendar work (Outbox).
-- As in put.sql, the times come from an integer parameter, NULL columns are literals, and people and
-- event data are real values Convene wrote during the run (-D people, scheduled_data).
-- Variables (-D): keyid, acct, title, location, hosts, people, emails, scheduled_data.
\set e random(1, 99999999999999999)
\set t random(0, 500000)
WITH changed AS (INSERT INTO meetings (id, account_id, title, description, location, start_at, start_offset,
                      end_at, end_offset, hosts, attendees, attendee_emails, notes, conferencing,
                      calendar_connection_id, version, created_at, updated_at, source, meeting_event_id, booked_by)
  VALUES ('meet_pgb' || lpad(:e::text, 17, '0'), :acct, :title, NULL, :location,
          timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute', -28800,
          timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute', -28800,
          :hosts, :people, :emails, NULL, NULL,
          COALESCE(NULL::text, (SELECT k.id FROM calendar_connections k WHERE k.account_id = :acct
             AND k.email_key = ANY (:emails::text[]) AND k.revoked_at IS NULL
             ORDER BY array_position(:emails::text[], k.email_key) LIMIT 1)),
          1, now(), now(), 'api', NULL, NULL)
  RETURNING id, account_id, seq, version, calendar_connection_id),
 appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
  SELECT e.id, c.account_id, c.id, e.type, e.sequence, e.data, now()
  FROM changed c, unnest(ARRAY['evt_pgbsch' || lpad(:e::text, 18, '0')]::text[], ARRAY['meeting.scheduled']::text[],
       ARRAY[1]::int[], ARRAY[:scheduled_data::jsonb]) AS e(id, type, sequence, data)
  RETURNING id, account_id, type, seq),
 delivered AS (INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)
  SELECT a.account_id, w.id, a.id, w.url, now() FROM appended a
  JOIN webhook_endpoints w ON w.account_id = a.account_id AND w.enabled AND a.type = ANY (w.event_types)
  ORDER BY a.seq, w.id
  RETURNING 1),
 job AS (INSERT INTO calendar_sync_jobs (meeting_id, account_id, target_version, due_at, created_at, updated_at)
  SELECT c.id, c.account_id, c.version, now(), now(), now() FROM changed c
  WHERE EXISTS (SELECT 1 FROM calendar_connections k WHERE k.id = c.calendar_connection_id
     AND k.account_id = c.account_id AND k.revoked_at IS NULL)
    OR EXISTS (SELECT 1 FROM calendar_events s WHERE s.meeting_id = c.id)
  ON CONFLICT (meeting_id) DO UPDATE SET
     target_version = GREATEST(calendar_sync_jobs.target_version, EXCLUDED.target_version), updated_at = now()
  RETURNING meeting_id, account_id),
 sync_state AS (INSERT INTO calendar_events (meeting_id, account_id, status, updated_at)
  SELECT meeting_id, account_id, 'pending', now() FROM job
  ON CONFLICT (meeting_id) DO UPDATE SET status = 'pending', error = NULL, updated_at = now()
  RETURNING status, error, meet_link)
SELECT (SELECT seq FROM changed) AS seq, (SELECT calendar_connection_id FROM changed),
       (SELECT count(*) FROM delivered) AS deliveries_queued, (SELECT count(*) FROM job) AS calendar_jobs_queued,
       (SELECT json_build_object('status', status, 'error', error, 'meet_link', meet_link) FROM sync_state)
         AS calendar_sync,
       (SELECT json_build_object('id', c.id, 'user_id', c.user_id, 'email', c.user_email, 'connected_at', c.connected_at)
          FROM changed m JOIN calendar_connections c ON c.id = m.calendar_connection_id AND c.account_id = m.account_id)
         AS calendar_connection;
