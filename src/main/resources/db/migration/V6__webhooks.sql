-- Webhook endpoints: several per tenant; at most one is the Platform API's primary endpoint
-- (PUT /v1/platform/webhook, and webhook_url in /v1/platform/settings).
CREATE TABLE webhook_endpoints (
  id                    text PRIMARY KEY,
  account_id            text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  is_primary            boolean NOT NULL DEFAULT false,
  url                   text NOT NULL,
  event_types           text[] NOT NULL,
  enabled               boolean NOT NULL DEFAULT true,
  disabled_reason       text,
  max_retries           integer NOT NULL CHECK (max_retries BETWEEN 0 AND 20),
  timeout_seconds       integer NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 30),
  -- whsec_... sealed with the secrets key. NULL only for a URL moved here from platform_settings
  -- below: such an endpoint stays disabled until PUT /v1/platform/webhook issues its secret.
  secret                text,
  -- During a rotation the old secret signs too, until previous_secret_until.
  previous_secret       text,
  previous_secret_until timestamptz,
  -- The first failed attempt since the last success: five days of unbroken failure disable the endpoint.
  failing_since         timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (enabled = false OR secret IS NOT NULL)
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, created_at);
CREATE UNIQUE INDEX webhook_endpoints_primary ON webhook_endpoints (account_id) WHERE is_primary;

-- One row per (event, endpoint): the outbox the delivery workers claim (FOR UPDATE SKIP LOCKED,
-- then a lease), and the log the API shows. A redelivery is a new row for the same event.
CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY DEFAULT 'dlv_' || replace(gen_random_uuid()::text, '-', ''),
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  account_id      text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  endpoint_id     text REFERENCES webhook_endpoints (id) ON DELETE SET NULL,
  event_id        text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'success', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  lease_until     timestamptz,
  lease_token     text,
  url             text NOT NULL,
  response_code   integer,
  duration_ms     integer,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_pending ON webhook_deliveries (endpoint_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (account_id, seq);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending';

-- Every attempt, as it went.
CREATE TABLE webhook_attempts (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id      text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempted_at     timestamptz NOT NULL,
  url              text NOT NULL,
  response_code    integer,
  duration_ms      integer NOT NULL,
  error            text,
  response_snippet text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Fan-out inside the transaction that writes the event, whoever writes it (the meeting store
-- today, calendar connections later): an event commits with its deliveries or not at all.
-- webhook.test is never subscribed to; the test call queues its one delivery itself.
CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)
  SELECT NEW.account_id, e.id, NEW.id, e.url, now()
  FROM webhook_endpoints e
  WHERE e.account_id = NEW.account_id AND e.enabled AND NEW.type = ANY (e.event_types);
  RETURN NULL;
END
$$;
CREATE TRIGGER events_webhook_fan_out AFTER INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION webhook_fan_out();

-- Wakes the delivery workers of every instance when new deliveries commit (NOTIFY is sent at commit).
CREATE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inserted) THEN
    PERFORM pg_notify('convene_webhooks', '');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_notify();

-- platform_settings.webhook_url becomes the primary endpoint's URL: one source of truth. A URL set
-- before has no signing secret yet, so its endpoint starts disabled (see the secret column).
INSERT INTO webhook_endpoints (id, account_id, is_primary, url, event_types, enabled, disabled_reason,
                               max_retries, timeout_seconds)
SELECT 'whk_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20), account_id, true, webhook_url,
       ARRAY['meeting.scheduled', 'meeting.updated', 'meeting.cancelled',
             'user.calendar.connected', 'user.calendar.disconnected'],
       false, 'no_secret', 7, 15
FROM platform_settings
WHERE webhook_url IS NOT NULL;
ALTER TABLE platform_settings DROP COLUMN webhook_url;
