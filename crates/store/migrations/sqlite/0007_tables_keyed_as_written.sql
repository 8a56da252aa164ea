-- Fewer pages written per request. A code request writes a limit event, a code and a message;
-- each b-tree it touches at a random place costs a page in the write-ahead log.
--
-- The outbox is keyed by its sequence (the rowid: new messages go at the end of the table), its
-- ids are time-ordered (they too go at the end of their index), and only pending messages are
-- in the index workers claim from (a sent message leaves it instead of moving within it).
CREATE TABLE outbox_keyed (
    seq             INTEGER PRIMARY KEY,       -- the order messages were written in
    id              TEXT NOT NULL UNIQUE,
    pool_id         TEXT NOT NULL,
    username        TEXT NOT NULL,
    medium          TEXT NOT NULL,             -- EMAIL | SMS
    destination     TEXT NOT NULL,
    sender          TEXT,
    subject         TEXT,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL,             -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
INSERT INTO outbox_keyed (seq, id, pool_id, username, medium, destination, sender, subject, body, created_at,
                          status, attempts, next_attempt_at, last_error)
    SELECT seq, id, pool_id, username, medium, destination, sender, subject, body, created_at,
           status, attempts, next_attempt_at, last_error
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_keyed RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- A user's limit events side by side, keyed as they are counted: recording one and dropping
-- the expired ones touch the same page. `n` counts events of the same millisecond.
CREATE TABLE user_events_keyed (
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    action       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    n            INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (pool_id, username_key, action, at),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO user_events_keyed (pool_id, username_key, action, at, n)
    SELECT pool_id, username_key, action, at, COUNT(*) FROM user_events GROUP BY pool_id, username_key, action, at;
DROP TABLE user_events;
ALTER TABLE user_events_keyed RENAME TO user_events;

-- Codes in one b-tree keyed as they are looked up (a rowid table with a composite key is two).
CREATE TABLE codes_keyed (
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO codes_keyed SELECT pool_id, username_key, purpose, code_hash, expires_at, failures, created_at FROM codes;
DROP TABLE codes;
ALTER TABLE codes_keyed RENAME TO codes;
