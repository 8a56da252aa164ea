//! AdminSetUserPassword.

use cognate_model::shapes::{AdminSetUserPasswordRequest, AdminSetUserPasswordResponse, UserStatusType};

use super::{admin_target, new_password};
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::users::password_policy;
use crate::{Error, Services};

/// Sets a permanent password (the user becomes CONFIRMED) or a temporary one (the user must
/// change it at the next sign-in).
pub async fn admin_set_user_password(
    svc: &Services,
    input: AdminSetUserPasswordRequest,
) -> Result<AdminSetUserPasswordResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        let policy = pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
        password_policy::check(&policy, &input.password)?;
        user.password = Some(new_password(svc, &input.user_pool_id, &user.record.username, &input.password).await?);
        user.status =
            if input.permanent == Some(true) { UserStatusType::Confirmed } else { UserStatusType::ForceChangePassword };
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        if svc.store.save_user(UserWrite::new(&record, &index)).await? {
            return Ok(AdminSetUserPasswordResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminSetUserPassword")))
}
