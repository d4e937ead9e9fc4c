-- The minimal ceiling for GET /v1/meetings/{id} (issue 20): the one read any implementation must do,
-- on the minimal tables (sql/minimal.sql). No authentication.
-- Variables (-D): acct, pfx, meetings. Ids are pfx + 11 zero-padded digits, as in sql/seed.sql.
\set n random(1, :meetings)
SELECT id, start_at, end_at, start_offset, attendees, version, updated_at
  FROM bench_minimal.meetings WHERE id = :pfx || lpad(:n::text, 11, '0') AND tenant = :acct;
