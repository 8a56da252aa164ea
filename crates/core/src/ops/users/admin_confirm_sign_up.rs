//! AdminConfirmSignUp.

use cognate_model::shapes::{AdminConfirmSignUpRequest, AdminConfirmSignUpResponse, UserStatusType};
use cognate_model::ErrorCode;

use super::admin_target;
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::{Error, Services};

/// Confirms an unconfirmed user without a code.
pub async fn admin_confirm_sign_up(
    svc: &Services,
    input: AdminConfirmSignUpRequest,
) -> Result<AdminConfirmSignUpResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        if user.status != UserStatusType::Unconfirmed {
            return Err(Error::service(
                ErrorCode::NotAuthorizedException,
                format!("User cannot be confirmed. Current status is {}", user.status),
            ));
        }
        user.status = UserStatusType::Confirmed;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        if svc.store.save_user(UserWrite::new(&record, &index)).await? {
            return Ok(AdminConfirmSignUpResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminConfirmSignUp")))
}
