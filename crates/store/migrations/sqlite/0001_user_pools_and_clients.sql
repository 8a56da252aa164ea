-- User pools and app clients. Settings live in `document` (the model's JSON shape), so new
-- settings need no migration; the columns are what we look up and order by.
CREATE TABLE user_pools (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);

CREATE TABLE user_pool_clients (
    client_id   TEXT PRIMARY KEY NOT NULL,
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);

CREATE INDEX user_pool_clients_by_pool ON user_pool_clients (pool_id, client_id);
