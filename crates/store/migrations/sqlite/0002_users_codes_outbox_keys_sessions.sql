-- Users, their sign-in aliases and searchable attributes, one-time codes, the message outbox,
-- signing keys, sign-in sessions (refresh tokens) and server secrets.

CREATE TABLE users (
    pool_id            TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username_key       TEXT NOT NULL,           -- lookup key: lowercased in case-insensitive pools
    username           TEXT NOT NULL,           -- as given (or the sub, when email/phone is the username)
    sub                TEXT NOT NULL,
    status             TEXT NOT NULL,           -- UserStatusType wire value
    enabled            INTEGER NOT NULL,
    attributes         TEXT NOT NULL,           -- JSON [{"Name","Value"}] in the order they were set
    password           TEXT,                    -- JSON {salt, verifier}: never the password itself
    mfa                TEXT NOT NULL DEFAULT '{}',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key)
);
CREATE UNIQUE INDEX users_by_sub ON users (pool_id, sub);

-- Sign-in identifiers other than the username (email, phone_number, preferred_username),
-- unique per pool: the uniqueness the service enforces is this index.
CREATE TABLE user_aliases (
    pool_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    alias_key    TEXT NOT NULL,
    username_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, alias_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_aliases_by_user ON user_aliases (pool_id, username_key);

-- The attributes ListUsers can filter on, for `=` and `^=` lookups by index.
CREATE TABLE user_search (
    pool_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    value        TEXT NOT NULL,
    username_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, name, value, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_search_by_user ON user_search (pool_id, username_key);

-- One live code per user and purpose; only a keyed hash of the code is stored.
CREATE TABLE codes (
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- Messages to deliver, written in the same transaction as what they announce.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    seq             INTEGER NOT NULL,
    pool_id         TEXT NOT NULL,
    username        TEXT NOT NULL,
    medium          TEXT NOT NULL,             -- EMAIL | SMS
    destination     TEXT NOT NULL,
    subject         TEXT,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL,             -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_seq ON outbox (seq);

CREATE TABLE signing_keys (
    pool_id    TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid        TEXT NOT NULL,
    private_key BLOB NOT NULL,                 -- PKCS#8 DER
    created_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

-- A sign-in: its refresh token (hashed) and whether it was revoked.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,   -- the tokens' origin_jti
    pool_id       TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    refresh_hash  TEXT NOT NULL,
    auth_time     INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sessions_by_refresh ON sessions (refresh_hash);
CREATE INDEX sessions_by_user ON sessions (pool_id, username_key);

-- Secrets of this installation (e.g. the key codes are hashed with), shared by every instance.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    value      BLOB NOT NULL
);

-- Challenges in progress (SRP password verifier, new password required): the `Session` a
-- client sends back, shared by every instance. `state` holds the server's secret side.
CREATE TABLE auth_challenges (
    id           TEXT PRIMARY KEY NOT NULL,
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
