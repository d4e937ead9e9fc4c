-- Issue 20: events (account_id, created_at) serves no statement (history reads by meeting, the dashboard by
-- meeting, and nothing deletes events by age), yet every appended event, two per reschedule, inserted into it.
DROP INDEX events_account_created;
