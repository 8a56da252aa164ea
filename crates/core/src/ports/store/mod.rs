//! The storage port. One trait per aggregate, bundled as `Store`. Methods are units of work:
//! each is atomic in the backend, so transactions never leak into operations. Settings travel
//! as the model's JSON documents, so new settings need no schema migration.

mod codes;
mod groups;
mod outbox;
mod pools;
mod tokens;
mod users;

use async_trait::async_trait;

pub use codes::{CodeRecord, CodeStore, EventLimit, PutCode};
pub use groups::{GroupRecord, GroupStore};
pub use outbox::{Attempt, MessageFilter, OutboxMessage, OutboxStore};
pub use pools::{ClientRecord, PoolRecord, PoolStore};
pub use tokens::{ChallengeRecord, KeyRecord, SessionRecord, TokenStore};
pub use users::{AliasClaim, UserFilter, UserIndex, UserRecord, UserStore, UserWrite};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the write; operations map this to the AWS error.
    #[error("conflict on {constraint}")]
    Conflict {
        /// What was not unique: `users` (the username), `users_by_sub`, or `alias:<kind>`.
        constraint: String,
    },
    /// The backend failed.
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The whole storage port.
#[async_trait]
pub trait Store: PoolStore + UserStore + GroupStore + CodeStore + OutboxStore + TokenStore + Send + Sync {
    /// Checks that the backend answers.
    async fn health(&self) -> StoreResult<()>;

    /// Flushes and closes the backend; called once at shutdown.
    async fn close(&self);

    /// The installation's secret named `name`: the stored one, or `candidate` stored now if there
    /// was none (so concurrent instances agree on one value).
    async fn server_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;
}
