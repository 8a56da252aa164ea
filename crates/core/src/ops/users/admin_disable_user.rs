//! AdminDisableUser.

use cognate_model::shapes::{AdminDisableUserRequest, AdminDisableUserResponse};

use super::admin_target;
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::{Error, Services};

/// Disables the user and revokes all of its tokens.
pub async fn admin_disable_user(
    svc: &Services,
    input: AdminDisableUserRequest,
) -> Result<AdminDisableUserResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        user.record.enabled = false;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        let write = UserWrite { revoke_sessions: true, ..UserWrite::new(&record, &index) };
        if svc.store.save_user(write).await? {
            return Ok(AdminDisableUserResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminDisableUser")))
}
