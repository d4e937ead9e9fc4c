-- Issue 20: what every change costs PostgreSQL beyond its own rows.
--
-- Foreign keys on the meeting path: each checked insert takes a KEY SHARE lock on the referenced row, a row
-- lock that writes WAL, and under concurrent changes of one tenant its account row carries a multixact of all
-- of them. They check nothing the writers do not already guarantee: an event is appended in the statement
-- that writes its meeting (io.convene.outbox.Outbox, from the changed row) or, for an event about no change,
-- by a caller that holds the meeting; a meeting is created for the tenant its credential authenticated; and
-- Convene deletes neither accounts nor meetings (a cancelled meeting stays), so no cascade ever ran.
-- Measured with pgbench on the seed's reschedule and schedule statements (bench/pgbench/put.sql,
-- schedule.sql, 32 clients): about 50 us of PostgreSQL CPU per reschedule, 45 per schedule.
ALTER TABLE events DROP CONSTRAINT events_account_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_meeting_id_fkey;
ALTER TABLE meetings DROP CONSTRAINT meetings_account_id_fkey;

-- The delivery workers' wake-up fires per inserted row instead of once per statement with a transition
-- table: a change that queues no delivery (a tenant without endpoints) then runs no trigger at all, where
-- the statement trigger captured its empty transition table and queried it. PostgreSQL folds the repeated
-- notification of one transaction into one.
DROP TRIGGER webhook_deliveries_notify ON webhook_deliveries;
CREATE OR REPLACE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('convene_webhooks', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION webhook_deliveries_notify();
