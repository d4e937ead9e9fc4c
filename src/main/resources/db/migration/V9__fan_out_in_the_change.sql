-- Webhook fan-out moves from a row trigger on events into the statement that writes the event
-- (io.convene.outbox.Outbox): the writer then learns whether it queued deliveries, and wakes the
-- delivery worker only when it did. Every writer of events goes through that one statement.
DROP TRIGGER events_webhook_fan_out ON events;
DROP FUNCTION webhook_fan_out();
