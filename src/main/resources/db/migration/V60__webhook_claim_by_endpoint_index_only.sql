-- The claim is a prepared statement: after a few runs PostgreSQL plans it once for any parameters,
-- and that generic plan took this index (every pending delivery, by due time) and filtered by
-- endpoint, past the claim's floor, instead of the per-endpoint one: each claim then walked the
-- endpoint's whole queue, the finished deliveries' entries too. Without it the per-endpoint index
-- (webhook_deliveries_endpoint_due, V8) is the only one that fits, and the worker's one other use
-- (when the next retry falls due) asks it per endpoint.
DROP INDEX webhook_deliveries_due;
