-- Every change of an API key or OAuth client (issued, revoked, deleted with its account) tells every
-- instance at commit, so that each drops what its credential cache holds for that id.
CREATE FUNCTION credentials_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('convene_credentials', COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_notify AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION credentials_notify();
CREATE TRIGGER oauth_clients_notify AFTER INSERT OR UPDATE OR DELETE ON oauth_clients
  FOR EACH ROW EXECUTE FUNCTION credentials_notify();
