-- Tenants: a Syncline "platform" and a Sakari "account" are the same record.
CREATE TABLE accounts (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- API keys: sk_live_<lookup id><secret>. Only a SHA-256 of the whole key is kept; the lookup id
-- finds the row so that the hash can be compared in constant time.
CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key_hash   bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE oauth_clients (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  secret_hash bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX oauth_clients_account ON oauth_clients (account_id);

-- One model for both API surfaces. Times keep the offset they were given in (seconds east of UTC).
-- seq orders lists: it never changes, so paging while meetings change neither skips nor repeats.
CREATE TABLE meetings (
  id                     text PRIMARY KEY,
  account_id             text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  seq                    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  title                  text NOT NULL,
  description            text,
  location               text,
  start_at               timestamptz NOT NULL,
  start_offset           integer NOT NULL,
  end_at                 timestamptz NOT NULL,
  end_offset             integer NOT NULL,
  hosts                  jsonb NOT NULL,
  attendees              jsonb NOT NULL,
  attendee_emails        text[] NOT NULL,
  notes                  text,
  conferencing           jsonb,
  calendar_connection_id text,
  cancelled_at           timestamptz,
  cancelled_by           text,
  cancel_reason          text,
  version                integer NOT NULL,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  CHECK (end_at > start_at)
);
CREATE INDEX meetings_account_seq ON meetings (account_id, seq);
CREATE INDEX meetings_attendee_emails ON meetings USING gin (attendee_emails);
CREATE INDEX meetings_hosts ON meetings USING gin (hosts jsonb_path_ops);
CREATE INDEX meetings_attendees ON meetings USING gin (attendees jsonb_path_ops);

-- Every change writes its event here in the same transaction (the outbox the webhook worker reads).
CREATE TABLE events (
  id         text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  meeting_id text REFERENCES meetings (id) ON DELETE CASCADE,
  type       text NOT NULL,
  sequence   integer,
  data       jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (meeting_id, sequence)
);
CREATE INDEX events_account_created ON events (account_id, created_at);
