-- Idempotency-Key: a claim while the request runs (status_code NULL), then the response it got,
-- replayed for 24 h to a repeat with the same key and the same request.
CREATE TABLE idempotency_keys (
  account_id    text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key           text NOT NULL,
  request_hash  bytea NOT NULL,
  status_code   integer,
  response_body bytea,
  response_etag text,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
