//! ConfirmForgotPassword.

use cognate_model::shapes::{ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse, UserStatusType};

use super::forgot_password::PURPOSE;
use super::{client, combination_not_found, find, new_password, user_not_found};
use crate::auth::secret_hash;
use crate::ports::store::UserWrite;
use crate::users::password_policy;
use crate::{codes, Error, Services};

/// Sets a new password with the code ForgotPassword (or AdminResetUserPassword) sent.
pub async fn confirm_forgot_password(
    svc: &Services,
    input: ConfirmForgotPasswordRequest,
) -> Result<ConfirmForgotPasswordResponse, Error> {
    let c = client(svc, &input.client_id, combination_not_found).await?;
    secret_hash::check(&c.client, &input.username, input.secret_hash.as_deref())?;
    let Some(mut user) = find(svc, &c.pool_id, &c.pool, &input.username).await? else {
        return Err(if c.hides_users() { codes::mismatch() } else { user_not_found() });
    };
    let policy = c.pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    password_policy::check(&policy, &input.password)?;
    let now = svc.clock.now_millis();
    let code = codes::check(svc, &c.pool_id, &user.record.username_key, PURPOSE, &input.confirmation_code, now).await?;
    user.password = Some(new_password(svc, &c.pool_id, &user.record.username, &input.password).await?);
    if matches!(user.status, UserStatusType::ResetRequired | UserStatusType::ForceChangePassword) {
        user.status = UserStatusType::Confirmed;
    }
    let record = user.next_record(now)?;
    let index = user.index(&c.pool);
    let write = UserWrite { consume_code: Some(&code), ..UserWrite::new(&record, &index) };
    if !svc.store.save_user(write).await? {
        return Err(codes::expired());
    }
    Ok(ConfirmForgotPasswordResponse::default())
}
