-- Google Calendar connections: one row per tenant and user. A disconnect keeps the row (revoked_at,
-- token dropped) so that its id, which meetings reference, is the same when the user connects again.
CREATE TABLE calendar_connections (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  user_email    text NOT NULL,
  email_key     text NOT NULL,
  google_id     text NOT NULL,
  timezone      text,
  refresh_token text,
  connected_at  timestamptz NOT NULL,
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  UNIQUE (account_id, email_key),
  CHECK (revoked_at IS NOT NULL OR refresh_token IS NOT NULL)
);
COMMENT ON COLUMN calendar_connections.refresh_token IS 'sealed with the secrets key (SecretBox), never in clear';

-- An OAuth consent in progress. Only a SHA-256 of the state sent to Google is kept; a callback
-- consumes the row (single use), and it expires.
CREATE TABLE calendar_oauth_states (
  state_hash   bytea PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_email   text NOT NULL,
  redirect_uri text NOT NULL,
  client_state text,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX calendar_oauth_states_expires ON calendar_oauth_states (expires_at);

-- Where a meeting's Google event is and how its mirroring stands (what reads show as calendar_sync).
-- event_id and etag are NULL while no event exists.
CREATE TABLE calendar_events (
  meeting_id     text PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
  account_id     text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  connection_id  text REFERENCES calendar_connections (id),
  calendar_id    text,
  event_id       text,
  etag           text,
  meet_link      text,
  synced_version integer NOT NULL DEFAULT 0,
  status         text NOT NULL CHECK (status IN ('pending', 'synced', 'failed', 'not_connected')),
  error          text,
  updated_at     timestamptz NOT NULL
);

-- The calendar outbox: at most one job per meeting, written in the transaction of the change, holding
-- the newest version to mirror, so that changes made while it waits collapse into one write.
CREATE TABLE calendar_sync_jobs (
  meeting_id     text PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
  account_id     text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_version integer NOT NULL,
  due_at         timestamptz NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  lease_token    text,
  lease_until    timestamptz,
  last_error     text,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX calendar_sync_jobs_due ON calendar_sync_jobs (due_at);

-- Wakes the sync workers of every instance when a job is queued or gets a newer version (delivered
-- at commit; one notification per transaction).
CREATE FUNCTION calendar_sync_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('convene_calendar_sync', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER calendar_sync_jobs_notify
  AFTER INSERT OR UPDATE OF target_version ON calendar_sync_jobs
  FOR EACH ROW EXECUTE FUNCTION calendar_sync_notify();
