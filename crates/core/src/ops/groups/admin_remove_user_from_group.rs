//! AdminRemoveUserFromGroup.

use cognate_model::shapes::AdminRemoveUserFromGroupRequest;

use crate::ops::users::admin_target;
use crate::{Error, Services};

/// Removes a user from a group.
pub async fn admin_remove_user_from_group(svc: &Services, input: AdminRemoveUserFromGroupRequest) -> Result<(), Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    super::load(svc, &input.user_pool_id, &input.group_name).await?;
    svc.store.remove_member(&input.user_pool_id, &input.group_name, &user.record.username_key).await?;
    Ok(())
}
