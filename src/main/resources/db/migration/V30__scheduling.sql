-- A user's scheduling preferences, per tenant and email (compared case-insensitively). prefs holds
-- only the fields that were stored; reads lay them over the defaults, so a default can change later.
CREATE TABLE user_preferences (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  email_key  text NOT NULL,
  email      text NOT NULL,
  prefs      jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, email_key)
);

-- A meeting's history is its events in insertion order. Rows written before get an order from their
-- time (a change's events share one time; their sequence orders them), then new rows count on.
ALTER TABLE events ADD COLUMN seq bigint;
UPDATE events e SET seq = o.n
FROM (SELECT id, row_number() OVER (ORDER BY created_at, sequence NULLS LAST, id) AS n FROM events) o
WHERE e.id = o.id;
ALTER TABLE events ALTER COLUMN seq SET NOT NULL;
ALTER TABLE events ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('events', 'seq'), coalesce(max(seq), 0) + 1, false) FROM events;
CREATE INDEX events_meeting_seq ON events (meeting_id, seq);

-- Busy time: a tenant's live meetings by time.
CREATE INDEX meetings_account_start ON meetings (account_id, start_at) WHERE cancelled_at IS NULL;
