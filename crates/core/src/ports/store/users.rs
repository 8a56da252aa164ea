//! Users in the store, with the indexes that make aliases unique and ListUsers fast.

use async_trait::async_trait;

use super::codes::CodeRecord;
use super::outbox::OutboxMessage;
use super::StoreResult;
use crate::ports::clock::Millis;

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The pool.
    pub pool_id: String,
    /// The lookup key: the username, lowercased in case-insensitive pools.
    pub username_key: String,
    /// The username as given, or the `sub` when email or phone number is the username.
    pub username: String,
    /// The immutable UUID.
    pub sub: String,
    /// `UserStatusType` wire value.
    pub status: String,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Attributes as JSON `[{"Name","Value"}]`, in the order they were set.
    pub attributes: String,
    /// The password's SRP salt and verifier as JSON, never the password; `None` before one is set.
    pub password: Option<String>,
    /// MFA settings as JSON.
    pub mfa: String,
    /// Attribute values waiting for verification, as a JSON object.
    pub pending: String,
    /// Creation time.
    pub created_at: Millis,
    /// Last modification time.
    pub updated_at: Millis,
    /// Incremented by every update; updates are conditional on it.
    pub version: i64,
}

/// A sign-in identifier besides the username, unique in its pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasClaim {
    /// `email`, `phone_number` or `preferred_username`.
    pub kind: String,
    /// The normalised value.
    pub key: String,
}

/// What a user is found by: aliases (unique) and searchable attributes (for ListUsers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserIndex {
    /// Unique sign-in aliases.
    pub aliases: Vec<AliasClaim>,
    /// `(attribute, value)` pairs ListUsers can filter on.
    pub search: Vec<(String, String)>,
}

/// A ListUsers filter on one searchable attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// The attribute (`email`, `username`, `cognito:user_status`, …).
    pub name: String,
    /// The value or prefix.
    pub value: String,
    /// `^=` (starts with) rather than `=`.
    pub prefix: bool,
}

/// A user's new state with everything that must be written with it, atomically.
#[derive(Debug, Clone, Copy)]
pub struct UserWrite<'a> {
    /// The user as it must be stored (for an update, with `version` one more than read).
    pub user: &'a UserRecord,
    /// The user's aliases and searchable attributes, replacing the old ones.
    pub index: &'a UserIndex,
    /// Codes to store, each replacing the user's code of the same purpose.
    pub codes: &'a [CodeRecord],
    /// A code that must still be stored exactly as read, and is deleted (used once).
    pub consume_code: Option<&'a CodeRecord>,
    /// Messages to deliver.
    pub messages: &'a [OutboxMessage],
    /// Revoke every session (refresh token and the tokens minted from it) of the user.
    pub revoke_sessions: bool,
}

impl<'a> UserWrite<'a> {
    /// A write of the user and its index alone.
    pub fn new(user: &'a UserRecord, index: &'a UserIndex) -> Self {
        Self { user, index, codes: &[], consume_code: None, messages: &[], revoke_sessions: false }
    }
}

/// Users.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a new user. `Conflict` with constraint `users` (username taken), `users_by_sub`
    /// or `alias:<kind>` (alias taken); no partial write.
    async fn create_user(&self, w: UserWrite<'_>) -> StoreResult<()>;

    /// Writes an update if the stored version is still `w.user.version - 1` and any code to
    /// consume is still as read. Returns false (nothing written) otherwise. `Conflict` on aliases.
    async fn save_user(&self, w: UserWrite<'_>) -> StoreResult<bool>;

    /// The user with this key.
    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>>;

    /// The user holding an alias.
    async fn find_user_by_alias(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<Option<UserRecord>>;

    /// Deletes the user with everything that belongs to it. Returns false when it did not exist.
    async fn delete_user(&self, pool_id: &str, username_key: &str) -> StoreResult<bool>;

    /// Up to `limit` users with keys greater than `after`, in key order, optionally filtered.
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>>;

    /// The number of users in a pool.
    async fn count_users(&self, pool_id: &str) -> StoreResult<u64>;

    /// Records that the user did `action` at `at`, unless it already did so `max` times since
    /// `since`: then nothing is recorded and false returned. Atomic, so concurrent requests on any
    /// instance count together.
    async fn record_event(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        at: Millis,
        since: Millis,
        max: u32,
    ) -> StoreResult<bool>;

    /// How many `action` events the user has after `since`, and when the latest was.
    async fn recent_events(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        since: Millis,
    ) -> StoreResult<(u32, Option<Millis>)>;

    /// Forgets the user's `action` events.
    async fn clear_events(&self, pool_id: &str, username_key: &str, action: &str) -> StoreResult<()>;
}
