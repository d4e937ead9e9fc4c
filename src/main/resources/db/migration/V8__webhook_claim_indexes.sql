-- The delivery worker claims per endpoint (the oldest due deliveries of each enabled endpoint, up to
-- its bound) by index, so that a claim costs the same with ten or with a hundred thousand deliveries
-- waiting.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at, seq)
  WHERE status = 'pending';
DROP INDEX webhook_deliveries_endpoint_pending;
-- A claim sets only the lease columns, which no index covers: with room left on the page, the
-- update is HOT (no index entry written), which halves what a delivery costs PostgreSQL in writes.
ALTER TABLE webhook_deliveries SET (fillfactor = 80);
