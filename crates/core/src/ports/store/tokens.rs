//! Signing keys, sign-in sessions (refresh tokens, revocation) and challenges in progress.

use async_trait::async_trait;

use super::{StoreResult, UserRecord};
use crate::ports::clock::Millis;

/// A pool's signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The pool.
    pub pool_id: String,
    /// The key id in token headers and the JWKS.
    pub kid: String,
    /// PKCS#8 DER.
    pub private_key: Vec<u8>,
    /// When it was made; the newest key signs.
    pub created_at: Millis,
}

/// A sign-in: the refresh token and the tokens minted from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The tokens' `origin_jti`.
    pub id: String,
    /// The pool.
    pub pool_id: String,
    /// The user's key.
    pub username_key: String,
    /// The app client.
    pub client_id: String,
    /// Hash of the refresh token.
    pub refresh_hash: String,
    /// When the user authenticated (epoch seconds), kept across refreshes.
    pub auth_time: i64,
    /// When the session began.
    pub created_at: Millis,
    /// When the refresh token expires.
    pub expires_at: Millis,
    /// Whether the session was revoked.
    pub revoked: bool,
}

/// A challenge in progress: the `Session` a client sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRecord {
    /// The session id.
    pub id: String,
    /// The pool.
    pub pool_id: String,
    /// The user's key.
    pub username_key: String,
    /// The app client.
    pub client_id: String,
    /// `PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`, …
    pub kind: String,
    /// The server's side of the challenge, as JSON.
    pub state: String,
    /// When it expires.
    pub expires_at: Millis,
}

/// Keys, sessions and challenges.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// A pool's signing keys, oldest first.
    async fn signing_keys(&self, pool_id: &str) -> StoreResult<Vec<KeyRecord>>;

    /// Adds the pool's first signing key, unless it has one already (another instance made it
    /// meanwhile) or the pool is gone: then nothing is written and false returned.
    async fn insert_first_signing_key(&self, key: &KeyRecord) -> StoreResult<bool>;

    /// Adds a signing key to a pool (rotation). Returns false (nothing written) when the pool
    /// does not exist.
    async fn add_signing_key(&self, key: &KeyRecord) -> StoreResult<bool>;

    /// Records a new session.
    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()>;

    /// The session with this id.
    async fn get_session(&self, id: &str) -> StoreResult<Option<SessionRecord>>;

    /// The user and, if it exists, the session with id `session_id` (whoever's it is), read
    /// together in one step: what every access-token check needs. `None` without such a user.
    async fn user_and_session(
        &self,
        pool_id: &str,
        username_key: &str,
        session_id: &str,
    ) -> StoreResult<Option<(UserRecord, Option<SessionRecord>)>>;

    /// The session a refresh token (by hash) belongs to.
    async fn find_session_by_refresh(&self, refresh_hash: &str) -> StoreResult<Option<SessionRecord>>;

    /// Revokes one session; false if it did not exist.
    async fn revoke_session(&self, id: &str) -> StoreResult<bool>;

    /// Revokes every session of a user.
    async fn revoke_user_sessions(&self, pool_id: &str, username_key: &str) -> StoreResult<()>;

    /// Records a challenge.
    async fn insert_challenge(&self, challenge: &ChallengeRecord) -> StoreResult<()>;

    /// Removes and returns a challenge: each is answered at most once.
    async fn take_challenge(&self, id: &str) -> StoreResult<Option<ChallengeRecord>>;
}
