-- Attribute values waiting for verification (UserAttributeUpdateSettings), and the per-user
-- events the hourly limits count (GetUserAttributeVerificationCode 5/h, VerifyUserAttribute
-- 15/h), kept in the store so every instance counts the same.
ALTER TABLE users ADD COLUMN pending TEXT NOT NULL DEFAULT '{}';

CREATE TABLE user_events (
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    action       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_events_by_user ON user_events (pool_id, username_key, action, at);
