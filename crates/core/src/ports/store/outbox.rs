//! The outbox: messages to deliver, written in the same transaction as what they carry.

use async_trait::async_trait;

use super::StoreResult;
use crate::ports::clock::Millis;

/// A message to deliver (or delivered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Unique id.
    pub id: String,
    /// The pool.
    pub pool_id: String,
    /// The user's username.
    pub username: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// Email address or phone number.
    pub destination: String,
    /// Email sender (`From`), when the pool names one.
    pub sender: Option<String>,
    /// Email subject.
    pub subject: Option<String>,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: Millis,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Earliest time of the next attempt.
    pub next_attempt_at: Millis,
    /// The last delivery error.
    pub last_error: Option<String>,
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The message.
    pub id: String,
    /// `sent`, `pending` (to be tried again) or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Earliest time of the next attempt.
    pub next_attempt_at: Millis,
    /// The error, if the attempt failed.
    pub error: Option<String>,
}

/// Which messages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// Only this pool.
    pub pool_id: Option<String>,
    /// Only this username.
    pub username: Option<String>,
    /// Only this exact destination.
    pub destination: Option<String>,
    /// Only this medium.
    pub medium: Option<String>,
}

/// The outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Messages matching `filter`, newest first.
    async fn list_messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<OutboxMessage>>;

    /// Deletes every message; returns how many.
    async fn clear_messages(&self) -> StoreResult<u64>;

    /// Claims up to `limit` pending messages due at `now`, leasing them until `lease_until` so no
    /// other worker takes them meanwhile.
    async fn claim_messages(&self, now: Millis, lease_until: Millis, limit: u32) -> StoreResult<Vec<OutboxMessage>>;

    /// Records the outcomes of delivery attempts, together.
    async fn finish_messages(&self, outcomes: &[Attempt]) -> StoreResult<()>;
}
