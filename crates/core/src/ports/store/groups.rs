//! Groups and memberships in the store.

use async_trait::async_trait;

use super::users::UserRecord;
use super::StoreResult;
use crate::ports::clock::Millis;

/// A stored group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// The pool.
    pub pool_id: String,
    /// The group's name.
    pub name: String,
    /// The group as `GetGroup` returns it (`GroupType`), as JSON.
    pub document: String,
    /// Lower comes first in tokens' `cognito:groups`.
    pub precedence: Option<i64>,
    /// Creation time.
    pub created_at: Millis,
}

/// Groups.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group; `Conflict` (constraint `groups`) if the name is taken; false if the
    /// pool is gone.
    async fn create_group(&self, group: &GroupRecord) -> StoreResult<bool>;

    /// The group with this name.
    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>>;

    /// Replaces a group's document and precedence; false if it does not exist.
    async fn update_group(&self, group: &GroupRecord) -> StoreResult<bool>;

    /// Deletes a group and its memberships; false if it did not exist.
    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool>;

    /// Up to `limit` groups with names greater than `after`, in name order.
    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<GroupRecord>>;

    /// Adds a user to a group (idempotent); false if the group or user is gone.
    async fn add_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<bool>;

    /// Removes a user from a group (idempotent).
    async fn remove_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<()>;

    /// The groups of a user, by precedence (groups without one last), then name.
    async fn groups_of(&self, pool_id: &str, username_key: &str) -> StoreResult<Vec<GroupRecord>>;

    /// Up to `limit` members of a group with keys greater than `after`, in key order.
    async fn members(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>>;
}
