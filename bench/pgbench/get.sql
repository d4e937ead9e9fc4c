-- The ceiling for GET /v1/meetings/{id}: what Convene runs per request, as Convene runs it.
--   The API key is answered from the credential cache (no statement); MeetingSql.get: SELECT_ONE with the
--   calendar-sync columns (autocommit).
-- Variables (-D): keyid, acct, pfx, meetings. Ids are pfx + 11 zero-padded digits (sql/seed.sql).
\set n random(1, :meetings)
SELECT id, account_id, seq, title, description, location, start_at, start_offset, end_at, end_offset, hosts,
       attendees, notes, conferencing, calendar_connection_id, cancelled_at, cancelled_by, cancel_reason, version,
       created_at, updated_at, source, meeting_event_id, booked_by,
       (SELECT e.slug FROM meeting_events e WHERE e.id = meetings.meeting_event_id) AS meeting_event_slug,
       (SELECT json_build_object('status', s.status, 'error', s.error, 'meet_link', s.meet_link)
          FROM calendar_events s WHERE s.meeting_id = meetings.id) AS calendar_sync,
       (SELECT json_build_object('id', c.id, 'user_id', c.user_id, 'email', c.user_email, 'connected_at', c.connected_at)
          FROM calendar_connections c
         WHERE c.id = meetings.calendar_connection_id AND c.account_id = meetings.account_id) AS calendar_connection
  FROM meetings WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct;
