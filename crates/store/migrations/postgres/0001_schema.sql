-- The whole schema on PostgreSQL. Settings live in JSON `document` columns (the model's
-- shapes), so new settings need no migration; the columns are what we look up and order by.
-- Keys that are ordered or compared by range use the "C" collation: byte order, the same as
-- SQLite's, whatever the database's default collation is.

CREATE TABLE user_pools (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE user_pool_clients (
    client_id   TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);
CREATE INDEX user_pool_clients_by_pool ON user_pool_clients (pool_id, client_id);

CREATE TABLE users (
    pool_id       TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username_key  TEXT COLLATE "C" NOT NULL,  -- lookup key: lowercased in case-insensitive pools
    username      TEXT NOT NULL,              -- as given (or the sub, when email/phone is the username)
    sub           TEXT NOT NULL,
    status        TEXT NOT NULL,              -- UserStatusType wire value
    enabled       BOOLEAN NOT NULL,
    attributes    TEXT NOT NULL,              -- JSON [{"Name","Value"}] in the order they were set
    password      TEXT,                       -- JSON {salt, verifier}: never the password itself
    mfa           TEXT NOT NULL DEFAULT '{}',
    pending       TEXT NOT NULL DEFAULT '{}', -- values waiting for verification
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, username_key)
);
CREATE UNIQUE INDEX users_by_sub ON users (pool_id, sub);

-- Sign-in identifiers other than the username, unique per pool: the uniqueness the service
-- enforces is this key.
CREATE TABLE user_aliases (
    pool_id      TEXT COLLATE "C" NOT NULL,
    kind         TEXT NOT NULL,
    alias_key    TEXT NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_aliases_pkey PRIMARY KEY (pool_id, kind, alias_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_aliases_by_user ON user_aliases (pool_id, username_key);

-- The attributes ListUsers can filter on, for `=` and `^=` lookups by index.
CREATE TABLE user_search (
    pool_id      TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    value        TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, name, value, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_search_by_user ON user_search (pool_id, username_key);

-- Per-user events the hourly limits count, shared by every instance.
CREATE TABLE user_events (
    pool_id      TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    action       TEXT NOT NULL,
    at           BIGINT NOT NULL,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_events_by_user ON user_events (pool_id, username_key, action, at);

-- One live code per user and purpose; only a keyed hash of the code is stored.
CREATE TABLE codes (
    pool_id      TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- Messages to deliver, written in the same transaction as what they announce. Workers on
-- every instance claim them with FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY,
    pool_id         TEXT NOT NULL,
    username        TEXT NOT NULL,
    medium          TEXT NOT NULL,             -- EMAIL | SMS
    destination     TEXT NOT NULL,
    sender          TEXT,
    subject         TEXT,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    status          TEXT NOT NULL,             -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at, seq);
CREATE INDEX outbox_by_seq ON outbox (seq);

CREATE TABLE signing_keys (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid         TEXT COLLATE "C" NOT NULL,
    private_key BYTEA NOT NULL,                -- PKCS#8 DER
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

-- A sign-in: its refresh token (hashed) and whether it was revoked.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,            -- the tokens' origin_jti
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    client_id     TEXT NOT NULL,
    refresh_hash  TEXT NOT NULL,
    auth_time     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked       BOOLEAN NOT NULL DEFAULT FALSE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sessions_by_refresh ON sessions (refresh_hash);
CREATE INDEX sessions_by_user ON sessions (pool_id, username_key);

-- Secrets of this installation (e.g. the key codes are hashed with), shared by every instance.
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    value  BYTEA NOT NULL
);

-- Challenges in progress: the `Session` a client sends back, answerable on any instance.
-- They may belong to no user (simulated challenges for unknown users).
CREATE TABLE auth_challenges (
    id           TEXT PRIMARY KEY,
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE TABLE groups (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    document    TEXT NOT NULL,                 -- GroupType as JSON
    precedence  BIGINT,
    created_at  BIGINT NOT NULL,
    CONSTRAINT groups_pkey PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id      TEXT COLLATE "C" NOT NULL,
    group_name   TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, username_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (pool_id, username_key);
