//! AdminUserGlobalSignOut.

use cognate_model::shapes::{AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse};

use super::admin_target;
use crate::{Error, Services};

/// Revokes every session of the user.
pub async fn admin_user_global_sign_out(
    svc: &Services,
    input: AdminUserGlobalSignOutRequest,
) -> Result<AdminUserGlobalSignOutResponse, Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    svc.store.revoke_user_sessions(&input.user_pool_id, &user.record.username_key).await?;
    Ok(AdminUserGlobalSignOutResponse::default())
}
