-- Challenges are transient and may belong to no user: with PreventUserExistenceErrors an SRP
-- sign-in of an unknown user gets a simulated challenge that fails like a wrong password.
DROP TABLE auth_challenges;
CREATE TABLE auth_challenges (
    id           TEXT PRIMARY KEY NOT NULL,
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    expires_at   INTEGER NOT NULL
);
