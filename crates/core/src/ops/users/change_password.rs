//! ChangePassword.

use cognate_model::shapes::{ChangePasswordRequest, ChangePasswordResponse};

use super::{new_password, password_matches};
use crate::auth::access;
use crate::ops::auth::incorrect;
use crate::ports::store::UserWrite;
use crate::users::password_policy;
use crate::{Error, Services};

/// Changes the signed-in user's password after checking the current one.
pub async fn change_password(svc: &Services, input: ChangePasswordRequest) -> Result<ChangePasswordResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    let mut user = a.user;
    if !password_matches(svc, &a.pool_id, &user, input.previous_password.as_deref().unwrap_or_default()).await {
        return Err(incorrect());
    }
    let policy = a.pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    password_policy::check(&policy, &input.proposed_password)?;
    user.password = Some(new_password(svc, &a.pool_id, &user.record.username, &input.proposed_password).await?);
    let record = user.next_record(svc.clock.now_millis())?;
    let index = user.index(&a.pool);
    if !svc.store.save_user(UserWrite::new(&record, &index)).await? {
        return Err(Error::Internal(anyhow::anyhow!("user changed during ChangePassword")));
    }
    Ok(ChangePasswordResponse::default())
}
