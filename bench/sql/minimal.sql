-- The minimal tables (issue 20): only what a meeting and its outbox event need, in a schema of their
-- own on the same PostgreSQL server, so that the minimal ceiling (pgbench/minimal-*.sql) and the bare
-- Vert.x service (reference/BareService.java) leave Convene's tables alone. Seeded like Convene's
-- (sql/seed.sql): :count meetings of tenant :acct with the same ids, each with its meeting.scheduled event.
-- psql variables: acct, pfx, digits, count.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_minimal CASCADE;
CREATE SCHEMA bench_minimal;

CREATE TABLE bench_minimal.meetings (
  id           text PRIMARY KEY,
  tenant       text NOT NULL,
  start_at     timestamptz NOT NULL,
  end_at       timestamptz NOT NULL,
  start_offset integer NOT NULL,
  attendees    jsonb NOT NULL,
  version      integer NOT NULL,
  updated_at   timestamptz NOT NULL
);

CREATE TABLE bench_minimal.events (
  id         bigserial PRIMARY KEY,
  tenant     text NOT NULL,
  meeting_id text NOT NULL,
  type       text NOT NULL,
  sequence   integer NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

BEGIN;
CREATE TEMP TABLE bench_minimal_seed ON COMMIT DROP AS
SELECT n,
       :'pfx' || lpad(n::text, :digits, '0') AS id,
       timestamptz '2026-01-05 16:00:00+00' + n * interval '1 hour' AS start_at,
       '["alice@example.com", "bob@example.com"]'::jsonb AS attendees,
       now() AS at
FROM generate_series(1, :count) AS n;

INSERT INTO bench_minimal.meetings (id, tenant, start_at, end_at, start_offset, attendees, version, updated_at)
SELECT id, :'acct', start_at, start_at + interval '30 minutes', -28800, attendees, 1, at
FROM bench_minimal_seed ORDER BY n;

INSERT INTO bench_minimal.events (tenant, meeting_id, type, sequence, payload, created_at)
SELECT :'acct', id, 'meeting.scheduled', 1,
       jsonb_build_object(
         'meeting_id', id,
         'start_time', to_char(start_at AT TIME ZONE INTERVAL '-08:00', 'YYYY-MM-DD"T"HH24:MI:SS') || '-08:00',
         'duration_minutes', 30,
         'attendees', attendees),
       at
FROM bench_minimal_seed ORDER BY n;
COMMIT;
VACUUM ANALYZE bench_minimal.meetings;
VACUUM ANALYZE bench_minimal.events;
