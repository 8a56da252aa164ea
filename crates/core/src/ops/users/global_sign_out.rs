//! GlobalSignOut.

use cognate_model::shapes::{GlobalSignOutRequest, GlobalSignOutResponse};

use crate::auth::access;
use crate::{Error, Services};

/// Revokes every session of the signed-in user: its refresh tokens and the access tokens minted
/// from them are refused from now on.
pub async fn global_sign_out(svc: &Services, input: GlobalSignOutRequest) -> Result<GlobalSignOutResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    svc.store.revoke_user_sessions(&a.pool_id, &a.user.record.username_key).await?;
    Ok(GlobalSignOutResponse::default())
}
