//! Issuing tokens: a sign-in opens a session (its `origin_jti`, refresh token and revocation
//! flag live in the store); access and ID tokens are signed with the pool's newest key.

use aws_lc_rs::digest;
use cognate_model::shapes::{AuthenticationResultType, TimeUnitsType, UserPoolClientType};

use super::pool_keys;
use crate::ids;
use crate::ports::store::SessionRecord;
use crate::tokens::{AccessClaims, IdClaims};
use crate::users::User;
use crate::{Error, Services};

/// The scope of tokens from native (API) sign-in.
pub const NATIVE_SCOPE: &str = "aws.cognito.signin.user.admin";

/// The issuer of a pool's tokens.
pub fn issuer(svc: &Services, pool_id: &str) -> String {
    format!("{}/{pool_id}", svc.config.issuer_base)
}

/// The hash a refresh token is stored under.
pub fn refresh_hash(token: &str) -> String {
    digest::digest(&digest::SHA256, token.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn seconds(value: Option<i32>, unit: Option<TimeUnitsType>, default_unit: TimeUnitsType, default: i64) -> i64 {
    let Some(v) = value else { return default };
    let unit = match unit.unwrap_or(default_unit) {
        TimeUnitsType::Seconds => 1,
        TimeUnitsType::Minutes => 60,
        TimeUnitsType::Hours => 3600,
        TimeUnitsType::Days => 86_400,
    };
    i64::from(v) * unit
}

/// Lifetimes in seconds of a client's access, ID and refresh tokens.
pub fn lifetimes(client: &UserPoolClientType) -> (i64, i64, i64) {
    let units = client.token_validity_units.clone().unwrap_or_default();
    (
        seconds(client.access_token_validity, units.access_token, TimeUnitsType::Hours, 3600),
        seconds(client.id_token_validity, units.id_token, TimeUnitsType::Hours, 3600),
        seconds(client.refresh_token_validity, units.refresh_token, TimeUnitsType::Days, 30 * 86_400),
    )
}

/// Signs tokens for `user`. A sign-in (`session` None) opens a new session with a refresh token;
/// a refresh reuses its session and returns no new refresh token.
pub async fn issue(
    svc: &Services,
    pool_id: &str,
    client: &UserPoolClientType,
    user: &User,
    session: Option<&SessionRecord>,
) -> Result<AuthenticationResultType, Error> {
    let now = svc.clock.now_millis();
    let iat = now / 1000;
    let client_id = client.client_id.clone().unwrap_or_default();
    let (access_life, id_life, refresh_life) = lifetimes(client);
    let (origin_jti, auth_time, refresh_token) = match session {
        Some(s) => (s.id.clone(), s.auth_time, None),
        None => {
            let id = ids::uuid_v4(svc.rng.as_ref());
            let token = ids::opaque(svc.rng.as_ref(), 48);
            let record = SessionRecord {
                id: id.clone(),
                pool_id: pool_id.to_string(),
                username_key: user.record.username_key.clone(),
                client_id: client_id.clone(),
                refresh_hash: refresh_hash(&token),
                auth_time: iat,
                created_at: now,
                expires_at: now + refresh_life * 1000,
                revoked: false,
            };
            svc.store.insert_session(&record).await?;
            (id, iat, Some(token))
        }
    };
    let keys = pool_keys::keys(svc, pool_id).await?;
    let key = keys.last().ok_or_else(|| anyhow::anyhow!("pool {pool_id} has no signing key"))?;
    let iss = issuer(svc, pool_id);
    let event_id = ids::uuid_v4(svc.rng.as_ref());
    let groups = crate::ops::groups::names_of(svc, pool_id, &user.record.username_key).await?;
    let access = AccessClaims {
        sub: &user.record.sub,
        groups: &groups,
        issuer: &iss,
        client_id: &client_id,
        origin_jti: &origin_jti,
        event_id: &event_id,
        scope: NATIVE_SCOPE,
        auth_time,
        iat,
        exp: iat + access_life,
        jti: &ids::uuid_v4(svc.rng.as_ref()),
        username: &user.record.username,
    };
    let attributes: Vec<(String, String)> =
        user.attributes.iter().map(|a| (a.name.clone(), a.value.clone().unwrap_or_default())).collect();
    let id = IdClaims {
        sub: &user.record.sub,
        groups: &groups,
        issuer: &iss,
        audience: &client_id,
        origin_jti: &origin_jti,
        event_id: &event_id,
        auth_time,
        iat,
        exp: iat + id_life,
        jti: &ids::uuid_v4(svc.rng.as_ref()),
        username: &user.record.username,
        attributes: &attributes,
    };
    Ok(AuthenticationResultType {
        access_token: Some(key.sign(&access.to_json())?),
        expires_in: Some(i32::try_from(access_life).unwrap_or(i32::MAX)),
        token_type: Some("Bearer".into()),
        refresh_token,
        id_token: Some(key.sign(&id.to_json())?),
        new_device_metadata: None,
    })
}
