-- meetings_account_start (V30) indexed start_at, which every reschedule changes: no reschedule could
-- then be a HOT update, and each wrote a new entry into every index of meetings (four of them GIN).
-- Busy time finds a person's meetings through the email indexes instead (attendee_emails, and
-- meeting_email_keys(hosts) from V31). Measured with bench/pgbench/put.sql, 32 clients, on one run's
-- database: 4,901 tx/s with the index (no HOT update), 6,940 without (nearly every update HOT).
DROP INDEX meetings_account_start;
