-- The ceiling for POST /v1/schedule: what Convene runs per request, as Convene runs it.
--   1. TenantAuthHandler -> Tenants.authenticateApiKey: the api_keys lookup (autocommit).
--   2. CalendarConnections.firstConnected (the calendar the meeting goes on; autocommit).
--   3. MeetingSql.create in one transaction: BEGIN; INSERT ... RETURNING seq; INSERT_EVENT
--      (meeting.scheduled, its jsonb data; the webhook fan-out trigger runs inside it);
--      CalendarSyncSql.enqueue's ENQUEUE_JOB; COMMIT.
-- As in put.sql, the times come from an integer parameter, NULL columns are literals, and people and
-- event data are real values Convene wrote during the run (-D people, scheduled_data).
-- Variables (-D): keyid, acct, title, location, hosts, people, emails, scheduled_data.
\set e random(1, 99999999999999999)
\set t random(0, 500000)
SELECT account_id, key_hash FROM api_keys WHERE id = :keyid AND revoked_at IS NULL;
SELECT id FROM calendar_connections WHERE account_id = :acct AND email_key = ANY(:emails)
   AND revoked_at IS NULL ORDER BY array_position(:emails, email_key) LIMIT 1;
BEGIN;
INSERT INTO meetings (id, account_id, title, description, location, start_at, start_offset, end_at, end_offset,
                      hosts, attendees, attendee_emails, notes, conferencing, calendar_connection_id, version,
                      created_at, updated_at)
  VALUES ('meet_pgb' || lpad(:e::text, 17, '0'), :acct, :title, NULL, :location,
          timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute', -28800,
          timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute', -28800,
          :hosts, :people, :emails, NULL, NULL, NULL, 1, now(), now()) RETURNING seq;
INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
  VALUES ('evt_pgbsch' || lpad(:e::text, 18, '0'), :acct, 'meet_pgb' || lpad(:e::text, 17, '0'), 'meeting.scheduled', 1,
          :scheduled_data, now());
INSERT INTO calendar_sync_jobs (meeting_id, account_id, target_version, due_at, created_at, updated_at)
  SELECT 'meet_pgb' || lpad(:e::text, 17, '0'), :acct, 1, now(), now(), now()
  WHERE EXISTS (SELECT 1 FROM calendar_connections WHERE id = NULL::text AND account_id = :acct AND revoked_at IS NULL)
     OR EXISTS (SELECT 1 FROM calendar_events WHERE meeting_id = 'meet_pgb' || lpad(:e::text, 17, '0'))
  ON CONFLICT (meeting_id) DO UPDATE SET
     target_version = GREATEST(calendar_sync_jobs.target_version, EXCLUDED.target_version), updated_at = now()
  RETURNING 1;
COMMIT;
