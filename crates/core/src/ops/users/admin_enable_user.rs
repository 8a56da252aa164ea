//! AdminEnableUser.

use cognate_model::shapes::{AdminEnableUserRequest, AdminEnableUserResponse};

use super::admin_target;
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::{Error, Services};

/// Enables the user again.
pub async fn admin_enable_user(
    svc: &Services,
    input: AdminEnableUserRequest,
) -> Result<AdminEnableUserResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        user.record.enabled = true;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        if svc.store.save_user(UserWrite::new(&record, &index)).await? {
            return Ok(AdminEnableUserResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminEnableUser")))
}
