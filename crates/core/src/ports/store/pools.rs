//! User pools and app clients in the store.

use async_trait::async_trait;

use super::StoreResult;
use crate::ports::clock::Millis;

/// A stored user pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRecord {
    /// `{region}_{suffix}`.
    pub id: String,
    /// The pool's friendly name.
    pub name: String,
    /// The pool as `DescribeUserPool` returns it (`UserPoolType`), as JSON.
    pub document: String,
    /// Creation time.
    pub created_at: Millis,
    /// Incremented by every update; updates are conditional on it (optimistic concurrency).
    pub version: i64,
}

/// A stored app client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// The client id (unique across pools).
    pub client_id: String,
    /// The pool it belongs to.
    pub pool_id: String,
    /// The client's name.
    pub name: String,
    /// The client as `DescribeUserPoolClient` returns it (`UserPoolClientType`), as JSON.
    pub document: String,
    /// Creation time.
    pub created_at: Millis,
    /// Incremented by every update.
    pub version: i64,
}

/// Pools and their app clients.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Inserts a new pool.
    async fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()>;

    /// The pool with this id.
    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>>;

    /// Replaces the pool's name and document if its version is still `pool.version - 1`.
    /// Returns false when the pool is gone or was changed meanwhile.
    async fn update_pool(&self, pool: &PoolRecord) -> StoreResult<bool>;

    /// Deletes the pool and everything in it. Returns false when it did not exist.
    async fn delete_pool(&self, id: &str) -> StoreResult<bool>;

    /// Up to `limit` pools with ids greater than `after`, in id order.
    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>>;

    /// Inserts a new client; fails if the pool does not exist.
    async fn insert_client(&self, client: &ClientRecord) -> StoreResult<bool>;

    /// The client with this id, in any pool.
    async fn get_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>>;

    /// Replaces the client's name and document if its version is still `client.version - 1`.
    async fn update_client(&self, client: &ClientRecord) -> StoreResult<bool>;

    /// Deletes the client. Returns false when it did not exist in that pool.
    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool>;

    /// Up to `limit` clients of a pool with ids greater than `after`, in id order.
    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<ClientRecord>>;
}
