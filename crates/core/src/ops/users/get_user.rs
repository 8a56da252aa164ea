//! GetUser.

use cognate_model::shapes::{GetUserRequest, GetUserResponse};

use crate::auth::access;
use crate::{Error, Services};

/// The signed-in user's username and attributes.
pub async fn get_user(svc: &Services, input: GetUserRequest) -> Result<GetUserResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    Ok(GetUserResponse {
        username: a.user.record.username.clone(),
        user_attributes: a.user.attributes,
        mfa_options: None,
        preferred_mfa_setting: None,
        user_mfa_setting_list: None,
    })
}
