//! DeleteUser.

use cognate_model::shapes::DeleteUserRequest;

use super::user_not_found;
use crate::auth::access;
use crate::{Error, Services};

/// Deletes the signed-in user; its tokens stop working at once.
pub async fn delete_user(svc: &Services, input: DeleteUserRequest) -> Result<(), Error> {
    let a = access::verify(svc, &input.access_token).await?;
    if !svc.store.delete_user(&a.pool_id, &a.user.record.username_key).await? {
        return Err(user_not_found());
    }
    Ok(())
}
