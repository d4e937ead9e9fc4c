-- The ceiling for GET /v1/meetings/{id}: what Convene runs per request, as Convene runs it.
--   The API key is answered from the credential cache (no statement); MeetingSql.get on the Platform API:
--   SELECT_ONE_OWN, the meeting's columns with its calendar state (autocommit).
-- Variables (-D): keyid, acct, pfx, meetings. Ids are pfx + 11 zero-padded digits (sql/seed.sql).
\set n random(1, :meetings)
SELECT id, account_id, seq, title, description, location, start_at, start_offset, end_at, end_offset, hosts,
       attendees, notes, conferencing, calendar_connection_id, cancelled_at, cancelled_by, cancel_reason, version,
       created_at, updated_at, source, meeting_event_id, booked_by, NULL::text AS meeting_event_slug,
       (SELECT json_build_object('status', s.status, 'error', s.error, 'meet_link', s.meet_link)
          FROM calendar_events s WHERE s.meeting_id = meetings.id) AS calendar_sync,
       NULL::json AS calendar_connection
  FROM meetings WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct;
