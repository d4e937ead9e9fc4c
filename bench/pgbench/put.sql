-- The ceiling for PUT /v1/meetings/{id} (a reschedule): what Convene runs per request, as Convene runs it.
--   1. TenantAuthHandler -> Tenants.authenticateApiKey: the api_keys lookup (autocommit).
--   2. MeetingSql.update in one transaction: BEGIN; LOCK_ONE (SELECT ... FOR UPDATE, with the calendar-sync
--      columns of CalendarSyncSql.READ_COLUMNS); UPDATE (every mutable column, version + 1); INSERT_EVENT
--      (meeting.updated, its jsonb data; the webhook fan-out trigger runs inside it); CalendarSyncSql.enqueue's
--      ENQUEUE_JOB (nothing to queue for a meeting on no calendar, so ENQUEUE_STATE is skipped, as in Convene); COMMIT.
-- Differences that cost the server nothing measurable: the new times are computed from an integer
-- parameter instead of arriving as timestamptz parameters; the columns that are always NULL for the
-- seeded meetings (description, notes, conferencing, calendar connection, cancellation) are NULL
-- literals instead of NULL parameters (pgbench's \gset turns NULL into ''); the event's data is a
-- real meeting.updated data object Convene wrote during the run (-D updated_data).
-- Variables (-D): keyid, acct, pfx, meetings, emails, updated_data.
\set n random(1, :meetings)
\set t random(0, 500000)
\set e random(1, 99999999999999999)
SELECT account_id, key_hash FROM api_keys WHERE id = :keyid AND revoked_at IS NULL;
BEGIN;
SELECT id, account_id, seq, title, description, location, start_at, start_offset, end_at, end_offset, hosts,
       attendees, notes, conferencing, calendar_connection_id, cancelled_at, cancelled_by, cancel_reason, version,
       created_at, updated_at,
       (SELECT json_build_object('status', s.status, 'error', s.error, 'meet_link', s.meet_link)
          FROM calendar_events s WHERE s.meeting_id = meetings.id) AS calendar_sync,
       (SELECT json_build_object('id', c.id, 'user_id', c.user_id, 'email', c.user_email, 'connected_at', c.connected_at)
          FROM calendar_connections c
         WHERE c.id = meetings.calendar_connection_id AND c.account_id = meetings.account_id) AS calendar_connection
  FROM meetings WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct FOR UPDATE
\gset m_
\set v :m_version + 1
UPDATE meetings SET title = :m_title, description = NULL, location = :m_location,
       start_at = timestamptz '2026-01-05 08:00:00+00' + :t::int * interval '1 minute', start_offset = -28800,
       end_at = timestamptz '2026-01-05 08:30:00+00' + :t::int * interval '1 minute', end_offset = -28800,
       hosts = :m_hosts, attendees = :m_attendees, attendee_emails = :emails, notes = NULL, conferencing = NULL,
       calendar_connection_id = NULL, cancelled_at = NULL, cancelled_by = NULL, cancel_reason = NULL,
       version = :v, updated_at = now()
  WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct;
INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
  VALUES ('evt_pgbput' || lpad(:e::text, 18, '0'), :acct, :pfx || lpad(:n::text, 11, '0'), 'meeting.updated', :v,
          :updated_data, now());
INSERT INTO calendar_sync_jobs (meeting_id, account_id, target_version, due_at, created_at, updated_at)
  SELECT :pfx || lpad(:n::text, 11, '0'), :acct, :v, now(), now(), now()
  WHERE EXISTS (SELECT 1 FROM calendar_connections WHERE id = NULL::text AND account_id = :acct AND revoked_at IS NULL)
     OR EXISTS (SELECT 1 FROM calendar_events WHERE meeting_id = :pfx || lpad(:n::text, 11, '0'))
  ON CONFLICT (meeting_id) DO UPDATE SET
     target_version = GREATEST(calendar_sync_jobs.target_version, EXCLUDED.target_version), updated_at = now()
  RETURNING 1;
COMMIT;
