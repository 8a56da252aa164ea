//! AdminResetUserPassword.

use cognate_model::shapes::{AdminResetUserPasswordRequest, AdminResetUserPasswordResponse, UserStatusType};

use super::admin_target;
use super::forgot_password::{destination, no_destination, reset_code};
use crate::ports::store::UserWrite;
use crate::triggers::custom_message::Caller;
use crate::{Error, Services};

/// Puts the user in RESET_REQUIRED, sends a reset code and revokes its tokens; the user sets a
/// new password with ConfirmForgotPassword.
pub async fn admin_reset_user_password(
    svc: &Services,
    input: AdminResetUserPasswordRequest,
) -> Result<AdminResetUserPasswordResponse, Error> {
    let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    let to = destination(&pool, &user).ok_or_else(no_destination)?;
    let now = svc.clock.now_millis();
    let caller = Caller { client_id: None, client_metadata: input.client_metadata.as_ref() };
    let (code, message) = reset_code(svc, &input.user_pool_id, &pool, &user, &to, now, caller).await?;
    user.status = UserStatusType::ResetRequired;
    let record = user.next_record(now)?;
    let index = user.index(&pool);
    let write = UserWrite {
        codes: std::slice::from_ref(&code),
        messages: std::slice::from_ref(&message),
        revoke_sessions: true,
        ..UserWrite::new(&record, &index)
    };
    if !svc.store.save_user(write).await? {
        return Err(Error::Internal(anyhow::anyhow!("user changed during AdminResetUserPassword")));
    }
    Ok(AdminResetUserPasswordResponse::default())
}
