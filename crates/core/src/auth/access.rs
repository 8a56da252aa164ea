//! The one verifier of access tokens, shared by every operation a token authorises (GetUser,
//! GlobalSignOut, GetUserAttributeVerificationCode, …): signature, issuer, use, expiry, scope,
//! revocation and the user, answered with the service's texts.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognate_model::shapes::UserPoolType;
use cognate_model::ErrorCode;

use super::pool_keys;
use super::session::{issuer, NATIVE_SCOPE};
use crate::ops::user_pools;
use crate::ports::store::SessionRecord;
use crate::tokens::{Expectations, VerifyError, TOKEN_USE_ACCESS};
use crate::users::{username_key, User};
use crate::{Error, Services};

/// What a verified access token gives an operation.
#[derive(Debug)]
pub struct Authorized {
    /// The pool.
    pub pool_id: String,
    /// The pool's settings.
    pub pool: Arc<UserPoolType>,
    /// The user, as stored now.
    pub user: User,
    /// The session the token descends from.
    pub session: SessionRecord,
    /// The token's claims.
    pub claims: Arc<serde_json::Map<String, serde_json::Value>>,
}

fn not_authorized(message: &'static str) -> Error {
    Error::service(ErrorCode::NotAuthorizedException, message)
}

/// `NotAuthorizedException` "Invalid Access Token".
pub fn invalid() -> Error {
    not_authorized("Invalid Access Token")
}

/// The pool a token claims to come from, read before verification only to pick the keys.
fn claimed_pool(svc: &Services, token: &str) -> Option<String> {
    let pool_of = |iss: &str| {
        let pool = iss.strip_prefix(&svc.config.issuer_base)?.strip_prefix('/')?;
        (!pool.is_empty() && !pool.contains('/')).then(|| pool.to_string())
    };
    if let Some(seen) = svc.verified.claims_seen(token) {
        return pool_of(seen.get("iss")?.as_str()?);
    }
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    pool_of(claims.get("iss")?.as_str()?)
}

/// Verifies an access token and loads what it authorises.
pub async fn verify(svc: &Services, token: &str) -> Result<Authorized, Error> {
    let pool_id = claimed_pool(svc, token).ok_or_else(invalid)?;
    let (_, pool) = user_pools::load_shared(svc, &pool_id).await?;
    let now = svc.clock.now_millis() / 1000;
    let expected = Expectations { issuer: &issuer(svc, &pool_id), token_use: TOKEN_USE_ACCESS, leeway_seconds: 0 };
    let mut keys = pool_keys::keys(svc, &pool_id).await?;
    let mut outcome = svc.verified.verify(token, &keys, &expected, now);
    if outcome == Err(VerifyError::UnknownKey) {
        // Another instance may have rotated in a key this one has not seen.
        keys = pool_keys::reload(svc, &pool_id).await?;
        outcome = svc.verified.verify(token, &keys, &expected, now);
    }
    let claims = outcome.map_err(|e| match e {
        VerifyError::Expired => not_authorized("Access Token has expired"),
        _ => invalid(),
    })?;
    let scopes = claims.get("scope").and_then(|s| s.as_str()).unwrap_or_default();
    if !scopes.split(' ').any(|s| s == NATIVE_SCOPE) {
        return Err(not_authorized("Access Token does not have required scopes"));
    }
    // The user first: a deleted user's sessions went with it, and the service answers
    // "User does not exist." for its tokens.
    let username = claims.get("username").and_then(|s| s.as_str()).ok_or_else(invalid)?;
    let origin = claims.get("origin_jti").and_then(|s| s.as_str());
    // User and session in one read (no session has the empty id).
    let (record, session) = svc
        .store
        .user_and_session(&pool_id, &username_key(&pool, username), origin.unwrap_or_default())
        .await?
        .filter(|(u, _)| Some(u.sub.as_str()) == claims.get("sub").and_then(|s| s.as_str()))
        .ok_or_else(|| Error::service(ErrorCode::UserNotFoundException, "User does not exist."))?;
    origin.ok_or_else(invalid)?;
    let session = match session {
        Some(s) if !s.revoked && s.pool_id == pool_id && s.username_key == record.username_key => s,
        _ => return Err(not_authorized("Access Token has been revoked")),
    };
    let user = User::from_record(record)?;
    Ok(Authorized { pool_id, pool, user, session, claims })
}
