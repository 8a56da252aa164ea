//! AdminAddUserToGroup.

use cognate_model::shapes::AdminAddUserToGroupRequest;

use crate::ops::users::{admin_target, user_not_found};
use crate::{Error, Services};

/// Adds a user to a group (adding a member again changes nothing).
pub async fn admin_add_user_to_group(svc: &Services, input: AdminAddUserToGroupRequest) -> Result<(), Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    super::load(svc, &input.user_pool_id, &input.group_name).await?;
    if !svc.store.add_member(&input.user_pool_id, &input.group_name, &user.record.username_key).await? {
        return Err(user_not_found());
    }
    Ok(())
}
