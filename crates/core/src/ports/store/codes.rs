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

/// Codes.
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Stores a code (replacing the user's code of the same purpose) and the message that
    /// carries it, atomically. Returns false, writing nothing, if the user no longer exists.
    async fn put_code(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool>;

    /// The user's live code for a purpose.
    async fn get_code(&self, pool_id: &str, username_key: &str, purpose: &str) -> StoreResult<Option<CodeRecord>>;

    /// Counts a wrong guess against the code read as `code`; deletes it at `max_failures`.
    async fn record_code_failure(&self, code: &CodeRecord, max_failures: i32) -> StoreResult<()>;
}
