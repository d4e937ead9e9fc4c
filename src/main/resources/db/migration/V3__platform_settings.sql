-- Platform API settings (Syncline): where Google consent may send users back, and the webhook URL.
CREATE TABLE platform_settings (
  account_id    text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  redirect_uris text[] NOT NULL DEFAULT '{}',
  webhook_url   text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
