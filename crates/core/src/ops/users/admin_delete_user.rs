//! AdminDeleteUser.

use cognate_model::shapes::AdminDeleteUserRequest;

use super::{admin_target, user_not_found};
use crate::{Error, Services};

/// Deletes the user with its codes and sessions (its tokens stop working at once).
pub async fn admin_delete_user(svc: &Services, input: AdminDeleteUserRequest) -> Result<(), Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    if !svc.store.delete_user(&input.user_pool_id, &user.record.username_key).await? {
        return Err(user_not_found());
    }
    Ok(())
}
