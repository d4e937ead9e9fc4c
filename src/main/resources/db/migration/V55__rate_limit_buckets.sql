-- The shared side of rate_limit_scope = cluster: one token bucket per limited key (a credential id
-- for the request rate, a client address for failed authentications), kept by every node's periodic
-- reconciliation, never written on a request's path. Not tenant data: keys are what a limit counts,
-- and the rows are found by (kind, key) only. tokens may go below zero: consumption the nodes
-- admitted before they learnt of each other's is owed back before the key gets more.
CREATE TABLE rate_limit_buckets (
  kind       text             NOT NULL,
  key        text             NOT NULL,
  tokens     double precision NOT NULL,
  updated_at timestamptz      NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX rate_limit_buckets_updated ON rate_limit_buckets (kind, updated_at);
