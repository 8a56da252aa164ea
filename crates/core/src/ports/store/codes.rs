//! One-time codes in the store: only keyed hashes, with expiry and a failure count.

use async_trait::async_trait;

use super::outbox::OutboxMessage;
use super::StoreResult;
use crate::ports::clock::Millis;

/// A live code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// The pool.
    pub pool_id: String,
    /// The user's key.
    pub username_key: String,
    /// What the code is for (`signup`, `forgot_password`, `verify:email`, …).
    pub purpose: String,
    /// Keyed hash of the code (hex).
    pub code_hash: String,
    /// When it stops being valid.
    pub expires_at: Millis,
    /// Wrong guesses so far.
    pub failures: i32,
    /// When it was issued.
    pub created_at: Millis,
}

/// A per-user limit counted with an event: at most `max` `action` events after `since`; the
/// event recorded is dated `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLimit {
    /// What is counted (`get_code`, …).
    pub action: String,
    /// When this event happens.
    pub at: Millis,
    /// Events at or before this no longer count.
    pub since: Millis,
    /// How many events may count at once.
    pub max: u32,
}

/// What [`CodeStore::put_code_within`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutCode {
    /// The event, the code and its message are stored.
    Stored,
    /// Nothing is stored: the user no longer exists.
    UserGone,
    /// Nothing is stored: the user reached the limit.
    Limited,
}

/// Codes.
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Stores a code (replacing the user's code of the same purpose) and the message that
    /// carries it, atomically. Returns false, writing nothing, if the user no longer exists.
    async fn put_code(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool>;

    /// Like [`CodeStore::put_code`], and in the same transaction counts the request against a
    /// per-user limit (as [`super::UserStore::record_event`] does): the event, the code and the
    /// message are stored together, or nothing is.
    async fn put_code_within(
        &self,
        code: &CodeRecord,
        message: &OutboxMessage,
        limit: &EventLimit,
    ) -> StoreResult<PutCode>;

    /// The user's live code for a purpose.
    async fn get_code(&self, pool_id: &str, username_key: &str, purpose: &str) -> StoreResult<Option<CodeRecord>>;

    /// Counts a wrong guess against the code read as `code`; deletes it at `max_failures`.
    async fn record_code_failure(&self, code: &CodeRecord, max_failures: i32) -> StoreResult<()>;
}
