//! AdminGetUser.

use cognate_model::shapes::{AdminGetUserRequest, AdminGetUserResponse};

use super::admin_target;
use crate::ports::clock::epoch_seconds;
use crate::{Error, Services};

/// The user, by username or alias.
pub async fn admin_get_user(svc: &Services, input: AdminGetUserRequest) -> Result<AdminGetUserResponse, Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    Ok(AdminGetUserResponse {
        username: user.record.username.clone(),
        user_attributes: Some(user.attributes.clone()),
        user_create_date: Some(epoch_seconds(user.record.created_at)),
        user_last_modified_date: Some(epoch_seconds(user.record.updated_at)),
        enabled: Some(user.record.enabled),
        user_status: Some(user.status),
        mfa_options: None,
        preferred_mfa_setting: None,
        user_mfa_setting_list: None,
    })
}
