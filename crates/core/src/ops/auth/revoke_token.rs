//! RevokeToken.

use cognate_model::shapes::{RevokeTokenRequest, RevokeTokenResponse};
use cognate_model::ErrorCode;
use subtle::ConstantTimeEq;

use crate::auth::session::refresh_hash;
use crate::ops::users::{client, client_not_found};
use crate::{Error, Services};

/// Revokes a refresh token and every access and ID token minted from it.
pub async fn revoke_token(svc: &Services, input: RevokeTokenRequest) -> Result<RevokeTokenResponse, Error> {
    let ctx = client(svc, &input.client_id, client_not_found).await?;
    if ctx.client.enable_token_revocation == Some(false) {
        return Err(Error::service(
            ErrorCode::UnsupportedOperationException,
            "Token revocation is not enabled for this app client.",
        ));
    }
    if let Some(secret) = ctx.client.client_secret.as_deref() {
        let given = input.client_secret.as_deref().unwrap_or_default();
        if !bool::from(secret.as_bytes().ct_eq(given.as_bytes())) {
            return Err(Error::service(
                ErrorCode::NotAuthorizedException,
                format!("Unable to verify secret hash for client {}", ctx.client_id()),
            ));
        }
    }
    // As OAuth revocation does, an unknown token is not an error: there is nothing to revoke.
    if let Some(s) = svc.store.find_session_by_refresh(&refresh_hash(&input.token)).await? {
        if s.client_id != ctx.client_id() {
            return Err(Error::service(ErrorCode::UnauthorizedException, "Token was not issued to this client."));
        }
        svc.store.revoke_session(&s.id).await?;
    }
    Ok(RevokeTokenResponse::default())
}
