//! DeleteGroup.

use cognate_model::shapes::DeleteGroupRequest;

use crate::{Error, Services};

/// Deletes a group and its memberships.
pub async fn delete_group(svc: &Services, input: DeleteGroupRequest) -> Result<(), Error> {
    super::load(svc, &input.user_pool_id, &input.group_name).await?;
    if !svc.store.delete_group(&input.user_pool_id, &input.group_name).await? {
        return Err(super::group_not_found());
    }
    Ok(())
}
