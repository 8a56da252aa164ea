//! GetTokensFromRefreshToken.

use std::collections::BTreeMap;

use cognate_model::shapes::{GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse};
use cognate_model::ErrorCode;
use subtle::ConstantTimeEq;

use super::flows;
use crate::ops::users::{client, client_not_found};
use crate::{Error, Services};

/// New access and ID tokens from a refresh token (the client's secret, if it has one, is sent
/// as `ClientSecret` rather than a SECRET_HASH).
pub async fn get_tokens_from_refresh_token(
    svc: &Services,
    input: GetTokensFromRefreshTokenRequest,
) -> Result<GetTokensFromRefreshTokenResponse, Error> {
    let mut ctx = client(svc, &input.client_id, client_not_found).await?;
    if let Some(secret) = ctx.client.client_secret.take() {
        let given = input.client_secret.as_deref().unwrap_or_default();
        if !bool::from(secret.as_bytes().ct_eq(given.as_bytes())) {
            return Err(Error::service(
                ErrorCode::NotAuthorizedException,
                format!("Unable to verify secret hash for client {}", input.client_id),
            ));
        }
    }
    let params = BTreeMap::from([("REFRESH_TOKEN".to_string(), input.refresh_token)]);
    let outcome = flows::refresh(svc, &ctx, &params).await?;
    Ok(GetTokensFromRefreshTokenResponse { authentication_result: outcome.authentication_result })
}
