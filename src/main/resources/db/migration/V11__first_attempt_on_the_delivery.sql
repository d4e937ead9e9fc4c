-- A delivery that succeeds at its first attempt keeps that attempt on its own row (when it started;
-- the URL, code and duration are there already) instead of a webhook_attempts row: that row would say
-- nothing more, and writing it (with its foreign-key lock on the delivery) was a third of what a
-- delivery cost PostgreSQL. Attempts after a failure are still logged one row each.
ALTER TABLE webhook_deliveries ADD COLUMN last_attempt_at timestamptz;
