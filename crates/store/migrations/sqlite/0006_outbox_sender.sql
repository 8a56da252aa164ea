-- The sender of an email (the pool's EmailConfiguration.From), kept with the message.
ALTER TABLE outbox ADD COLUMN sender TEXT;
