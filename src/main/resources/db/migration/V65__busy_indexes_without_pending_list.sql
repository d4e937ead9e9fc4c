-- Busy time (a booking's re-read under its hosts' locks, availability, public slots) finds a person's meetings
-- through these two GIN indexes. With GIN's default fastupdate every new meeting went into the index's pending
-- list, and every search reads that whole list until a vacuum empties it (it may grow to gin_pending_list_limit,
-- 4 MB): the re-read's cost grew with every meeting written since the last vacuum, not with the person's
-- meetings. Without the pending list a new meeting adds its few keys to the index directly (the insert read as
-- many buffers as before, about 51 per booking) and a search reads the person's entries alone. Measured with
-- bench/wrk/book.lua against a standalone PostgreSQL (pg_stat_statements, 10 s runs after 30,000 meetings written
-- since the last vacuum, as the benchmark's earlier steps leave it): the re-read took 9,554 and 690 µs (366 and
-- 115 buffers) per call before, 439 and 313 µs (128 and 74 buffers) after.
ALTER INDEX meetings_attendee_emails SET (fastupdate = off);
ALTER INDEX meetings_host_email_keys SET (fastupdate = off);
-- What is already pending moves into the index now, not at the next vacuum.
SELECT gin_clean_pending_list('meetings_attendee_emails'::regclass);
SELECT gin_clean_pending_list('meetings_host_email_keys'::regclass);
