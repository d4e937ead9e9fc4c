-- The delivery worker claims per endpoint (the oldest due deliveries of each enabled endpoint, up to
-- its bound) and looks up when the next retry or lapsing lease falls due: both by index, so that a
-- claim costs the same with ten or with a hundred thousand deliveries waiting.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at, seq)
  WHERE status = 'pending';
DROP INDEX webhook_deliveries_endpoint_pending;
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until)
  WHERE status = 'pending' AND lease_until IS NOT NULL;
