-- Busy time finds a person's meetings as attendee (attendee_emails, GIN) or as host. The hosts are
-- JSON, so their email keys are indexed through this function: with both indexes a lookup reads the
-- person's meetings alone, not every meeting of the tenant that starts before the window ends.
CREATE FUNCTION meeting_email_keys(people jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(array_agg(lower(p->>'email')), '{}') FROM jsonb_array_elements(people) p
$$;
CREATE INDEX meetings_host_email_keys ON meetings USING gin (meeting_email_keys(hosts));
