-- The key function of meetings_host_email_keys (V31), same results, in PL/pgSQL. As a SQL function with an
-- aggregate it cannot be inlined, so PostgreSQL planned its body again for every meeting it indexed: every insert
-- and every update that is not HOT. Measured with bench/pgbench/schedule.sql (32 clients, 10 s runs on one
-- database): 4,920 tx/s and 357 µs of PostgreSQL CPU per schedule before, 6,289 and 6,112 tx/s with 277 and
-- 282 µs after; with the index dropped altogether, 6,973 and 7,082 tx/s (246 µs). A PL/pgSQL function keeps
-- its compiled form for the session, and these expressions take its fast path. The results are the same for
-- every input (MeetingEmailKeysTest compares them), so the index needs no rebuild.
CREATE OR REPLACE FUNCTION meeting_email_keys(people jsonb) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  keys text[] := '{}';
BEGIN
  IF people IS NULL THEN
    RETURN keys;
  END IF;
  FOR i IN 0 .. jsonb_array_length(people) - 1 LOOP
    keys := keys || lower(people -> i ->> 'email');
  END LOOP;
  RETURN keys;
END
$$;
