-- Issue 20: the workers' wake-ups leave the change's transaction. PostgreSQL commits the transactions
-- that sent a NOTIFY one at a time (a database-wide lock from before the commit record to the end of
-- the commit), so the NOTIFY these triggers sent from every change that queued a delivery or a calendar
-- job held all such changes to one commit, and one WAL flush, at a time: with one webhook endpoint, the
-- seed's reschedule ran 2,000 tx/s with them and 5,250 without (pgbench, bench/pgbench/put.sql,
-- 32 clients). io.convene.outbox.OutboxNotifier now notifies the other instances after the commit;
-- the process that committed wakes its own workers in-process, as before.
DROP TRIGGER webhook_deliveries_notify ON webhook_deliveries;
DROP FUNCTION webhook_deliveries_notify();
DROP TRIGGER calendar_sync_jobs_notify ON calendar_sync_jobs;
DROP FUNCTION calendar_sync_notify();
