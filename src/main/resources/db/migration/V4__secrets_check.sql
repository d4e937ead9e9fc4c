-- A value sealed with the secrets key, so that a start with another key is refused instead of
-- silently failing to open every stored secret later.
CREATE TABLE secrets_check (
  id     integer PRIMARY KEY CHECK (id = 1),
  sealed text NOT NULL
);
