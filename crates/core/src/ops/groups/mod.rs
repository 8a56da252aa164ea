//! Groups: create, read, update, delete, list, and memberships. A user's groups appear in its
//! tokens as `cognito:groups`, ordered by precedence.

mod admin_add_user_to_group;
mod admin_list_groups_for_user;
mod admin_remove_user_from_group;
mod create_group;
mod delete_group;
mod get_group;
mod list_groups;
mod list_users_in_group;
mod update_group;

pub use admin_add_user_to_group::admin_add_user_to_group;
pub use admin_list_groups_for_user::admin_list_groups_for_user;
pub use admin_remove_user_from_group::admin_remove_user_from_group;
pub use create_group::create_group;
pub use delete_group::delete_group;
pub use get_group::get_group;
pub use list_groups::list_groups;
pub use list_users_in_group::list_users_in_group;
pub use update_group::update_group;

use cognate_model::shapes::GroupType;

use crate::ops::{from_document, user_pools};
use crate::ports::store::GroupRecord;
use crate::{Error, Services};

/// `ResourceNotFoundException` "Group not found."
pub(crate) fn group_not_found() -> Error {
    Error::resource_not_found("Group not found.")
}

/// The group `name` of pool `pool_id` (the pool is checked first).
pub(crate) async fn load(svc: &Services, pool_id: &str, name: &str) -> Result<(GroupRecord, GroupType), Error> {
    user_pools::load(svc, pool_id).await?;
    let record = svc.store.get_group(pool_id, name).await?.ok_or_else(group_not_found)?;
    let group = from_document(&record.document)?;
    Ok((record, group))
}

/// The names of a user's groups, as tokens list them.
pub async fn names_of(svc: &Services, pool_id: &str, username_key: &str) -> Result<Vec<String>, Error> {
    Ok(svc.store.groups_of(pool_id, username_key).await?.into_iter().map(|g| g.name).collect())
}
