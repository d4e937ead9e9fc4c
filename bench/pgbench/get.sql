-- The ceiling for GET /v1/meetings/{id}: what Convene runs per request, as Convene runs it.
--   1. TenantAuthHandler -> Tenants.authenticateApiKey: the api_keys lookup (autocommit).
--   2. MeetingSql.get: SELECT_ONE (autocommit).
-- Variables (-D): keyid, acct, pfx, meetings. Ids are pfx + 11 zero-padded digits (sql/seed.sql).
\set n random(1, :meetings)
SELECT account_id, key_hash FROM api_keys WHERE id = :keyid AND revoked_at IS NULL;
SELECT id, account_id, seq, title, description, location, start_at, start_offset, end_at, end_offset, hosts,
       attendees, notes, conferencing, calendar_connection_id, cancelled_at, cancelled_by, cancel_reason, version,
       created_at, updated_at
  FROM meetings WHERE id = :pfx || lpad(:n::text, 11, '0') AND account_id = :acct;
