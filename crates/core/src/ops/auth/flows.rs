//! The sign-in flows shared by the public and admin operations: password checks, the SRP
//! exchange, refresh tokens, the new-password challenge, and the status rules after a
//! password was proven.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::shapes::{AuthenticationResultType, ChallengeNameType, ExplicitAuthFlowsType, UserStatusType};
use cognate_model::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::auth::{lockout, secret_hash, session, srp};
use crate::ops::users::{find, new_password, password_matches, schema, user_not_found, ClientCtx};
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::compute::offload;
use crate::ports::store::{ChallengeRecord, UserWrite};
use crate::users::{attributes, password_policy, User};
use crate::{ids, Error, Services};

/// What a sign-in step answers: tokens, or the next challenge.
#[derive(Debug, Default)]
pub struct Outcome {
    pub challenge_name: Option<ChallengeNameType>,
    pub session: Option<String>,
    pub challenge_parameters: BTreeMap<String, String>,
    pub authentication_result: Option<AuthenticationResultType>,
}

fn not_authorized(text: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::service(ErrorCode::NotAuthorizedException, text)
}

/// "Incorrect username or password."
pub fn incorrect() -> Error {
    not_authorized("Incorrect username or password.")
}

/// A required auth parameter; `InvalidParameterException` "Missing required parameter X".
pub fn param<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, Error> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| Error::invalid_parameter(format!("Missing required parameter {name}")))
}

/// Whether the client allows a flow. Clients created without `ExplicitAuthFlows` allow SRP,
/// custom and refresh-token sign-in, as the service does.
pub fn allows(ctx: &ClientCtx, names: &[ExplicitAuthFlowsType]) -> bool {
    match ctx.client.explicit_auth_flows.as_deref() {
        None | Some([]) => names.iter().any(|n| {
            matches!(
                n,
                ExplicitAuthFlowsType::AllowUserSrpAuth
                    | ExplicitAuthFlowsType::AllowCustomAuth
                    | ExplicitAuthFlowsType::AllowRefreshTokenAuth
            )
        }),
        Some(flows) => names.iter().any(|n| flows.contains(n)),
    }
}

/// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH.
pub async fn password(svc: &Services, ctx: &ClientCtx, params: &BTreeMap<String, String>) -> Result<Outcome, Error> {
    let username = param(params, "USERNAME")?;
    let password = param(params, "PASSWORD")?;
    secret_hash::check(&ctx.client, username, params.get("SECRET_HASH").map(String::as_str))?;
    let Some(user) = find(svc, &ctx.pool_id, &ctx.pool, username).await? else {
        if !ctx.hides_users() {
            return Err(user_not_found());
        }
        // As much work as a wrong password costs: the answer's timing does not tell.
        let (pool_name, name, password) =
            (srp::pool_name(&ctx.pool_id).to_string(), username.to_string(), password.to_string());
        let mut salt = [0u8; 16];
        svc.rng.fill(&mut salt);
        offload(svc.compute.as_ref(), move || srp::compute_verifier(&pool_name, &name, &password, &salt)).await;
        return Err(incorrect());
    };
    let failures = lockout::check(svc, &ctx.pool_id, &user).await?;
    if !password_matches(svc, &ctx.pool_id, &user, password).await {
        lockout::failed(svc, &ctx.pool_id, &user).await?;
        return Err(incorrect());
    }
    lockout::succeeded(svc, &ctx.pool_id, &user, failures).await?;
    after_password(svc, ctx, user).await
}

/// The server's side of an SRP exchange, kept in the store under the SECRET_BLOCK.
#[derive(Debug, Serialize, Deserialize)]
struct SrpState {
    a: String,
    b: String,
    big_b: String,
    username: String,
}

/// USER_SRP_AUTH and ADMIN_USER_SRP_AUTH, first step: the PASSWORD_VERIFIER challenge.
pub async fn srp_start(svc: &Services, ctx: &ClientCtx, params: &BTreeMap<String, String>) -> Result<Outcome, Error> {
    let username = param(params, "USERNAME")?;
    let srp_a = param(params, "SRP_A")?;
    secret_hash::check(&ctx.client, username, params.get("SECRET_HASH").map(String::as_str))?;
    let a = srp::parse_client_public(srp_a).ok_or_else(|| Error::invalid_parameter("Invalid SRP_A."))?;
    let (user, salt, verifier) = match find(svc, &ctx.pool_id, &ctx.pool, username).await? {
        Some(user) => {
            let stored = user.password.as_ref().ok_or_else(incorrect)?;
            let hex = crate::ops::users::stored_verifier(svc, &ctx.pool_id, &user)?.ok_or_else(incorrect)?;
            let verifier = num_bigint::BigUint::parse_bytes(hex.as_bytes(), 16)
                .ok_or_else(|| anyhow::anyhow!("corrupt stored verifier"))?;
            let salt = salt_param(&stored.salt);
            (Some(user), salt, verifier)
        }
        None if ctx.hides_users() => {
            // A simulated challenge, stable for the name, doing the same work as a real one: the
            // answer fails later exactly as a wrong password does.
            let key = crate::codes::key(svc).await?;
            let seed = crate::codes::hash(&key, &ctx.pool_id, username, "srp-decoy", "");
            let salt_bytes: Vec<u8> = (0..16)
                .filter_map(|i| seed.get(i * 2..i * 2 + 2))
                .filter_map(|h| u8::from_str_radix(h, 16).ok())
                .collect();
            let (pool_name, name, salt) =
                (srp::pool_name(&ctx.pool_id).to_string(), username.to_string(), salt_bytes.clone());
            let verifier =
                offload(svc.compute.as_ref(), move || srp::compute_verifier(&pool_name, &name, &seed, &salt))
                    .await
                    .ok_or_else(|| anyhow::anyhow!("computing a verifier failed"))?;
            (None, srp::salt_hex(&salt_bytes), verifier)
        }
        None => return Err(user_not_found()),
    };
    let challenge = loop {
        let mut b = [0u8; 32];
        svc.rng.fill(&mut b);
        let v = verifier.clone();
        if let Some(c) = offload(svc.compute.as_ref(), move || srp::server_challenge(&v, &b)).await.flatten() {
            break c;
        }
    };
    // The SECRET_BLOCK is a random handle on the stored state: only this service can make
    // sense of it, and it expires with the auth session.
    let mut block = [0u8; 48];
    svc.rng.fill(&mut block);
    let secret_block = STANDARD.encode(block);
    let user_id = user.as_ref().map(|u| u.record.username.clone()).unwrap_or_else(|| username.to_string());
    let state = SrpState {
        a: a.to_str_radix(16),
        b: challenge.b.to_str_radix(16),
        big_b: challenge.big_b.to_str_radix(16),
        username: user_id.clone(),
    };
    let username_key = user.as_ref().map(|u| u.record.username_key.clone()).unwrap_or_default();
    save_challenge(svc, ctx, &username_key, &secret_block, "PASSWORD_VERIFIER", &state).await?;
    let mut p = BTreeMap::new();
    p.insert("SALT".into(), salt);
    p.insert("SRP_B".into(), challenge.big_b.to_str_radix(16));
    p.insert("SECRET_BLOCK".into(), secret_block);
    p.insert("USERNAME".into(), user_id.clone());
    p.insert("USER_ID_FOR_SRP".into(), user_id);
    Ok(Outcome {
        challenge_name: Some(ChallengeNameType::PasswordVerifier),
        challenge_parameters: p,
        ..Default::default()
    })
}

fn salt_param(stored_hex: &str) -> String {
    let bytes: Vec<u8> = (0..stored_hex.len())
        .step_by(2)
        .filter_map(|i| stored_hex.get(i..i + 2))
        .filter_map(|h| u8::from_str_radix(h, 16).ok())
        .collect();
    srp::salt_hex(&bytes)
}

/// How long a client has to answer a challenge: the client's `AuthSessionValidity` minutes.
fn challenge_lifetime(ctx: &ClientCtx) -> i64 {
    i64::from(ctx.client.auth_session_validity.unwrap_or(3)) * 60_000
}

async fn save_challenge<T: Serialize>(
    svc: &Services,
    ctx: &ClientCtx,
    username_key: &str,
    id: &str,
    kind: &str,
    state: &T,
) -> Result<(), Error> {
    let record = ChallengeRecord {
        id: id.to_string(),
        pool_id: ctx.pool_id.clone(),
        username_key: username_key.to_string(),
        client_id: ctx.client_id().to_string(),
        kind: kind.to_string(),
        state: crate::ops::to_document(state)?,
        expires_at: svc.clock.now_millis() + challenge_lifetime(ctx),
    };
    svc.store.insert_challenge(&record).await?;
    Ok(())
}

/// Takes a challenge the client answers; refused if unknown, expired, of another kind or client.
async fn take_challenge(svc: &Services, ctx: &ClientCtx, id: &str, kind: &str) -> Result<ChallengeRecord, Error> {
    let expired = || not_authorized("Invalid session for the user, session is expired.");
    let c = svc.store.take_challenge(id).await?.ok_or_else(expired)?;
    if c.kind != kind
        || c.client_id != ctx.client_id()
        || c.pool_id != ctx.pool_id
        || svc.clock.now_millis() > c.expires_at
    {
        return Err(expired());
    }
    Ok(c)
}

/// PASSWORD_VERIFIER: checks the client's proof of the password.
pub async fn srp_verify(
    svc: &Services,
    ctx: &ClientCtx,
    responses: &BTreeMap<String, String>,
) -> Result<Outcome, Error> {
    let username = param(responses, "USERNAME")?;
    let block = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = param(responses, "TIMESTAMP")?;
    secret_hash::check(&ctx.client, username, responses.get("SECRET_HASH").map(String::as_str))?;
    let challenge = take_challenge(svc, ctx, block, "PASSWORD_VERIFIER").await.map_err(|_| incorrect())?;
    let state: SrpState = crate::ops::from_document(&challenge.state)?;
    // The claim must be fresh: a timestamp more than five minutes off is refused.
    let now = svc.clock.now_millis() / 1000;
    match srp::parse_timestamp(timestamp) {
        Some(t) if (t - now).abs() <= 300 => {}
        _ => return Err(incorrect()),
    }
    let Some(record) = svc.store.get_user(&ctx.pool_id, &challenge.username_key).await? else {
        // A simulated challenge (or a user deleted meanwhile): as a wrong password.
        return Err(incorrect());
    };
    let user = User::from_record(record)?;
    let failures = lockout::check(svc, &ctx.pool_id, &user).await?;
    let stored = crate::ops::users::stored_verifier(svc, &ctx.pool_id, &user)?.ok_or_else(incorrect)?;
    let big = |s: &str| num_bigint::BigUint::parse_bytes(s.as_bytes(), 16);
    let (Some(a), Some(b), Some(big_b), Some(v)) = (big(&state.a), big(&state.b), big(&state.big_b), big(&stored))
    else {
        return Err(incorrect());
    };
    let block_bytes = STANDARD.decode(block).map_err(|_| incorrect())?;
    let key = offload(svc.compute.as_ref(), move || srp::session_key(&a, &big_b, &b, &v))
        .await
        .flatten()
        .ok_or_else(incorrect)?;
    let pool_name = srp::pool_name(&ctx.pool_id);
    if !srp::verify_claim(&key, pool_name, &state.username, &block_bytes, timestamp, signature) {
        lockout::failed(svc, &ctx.pool_id, &user).await?;
        return Err(incorrect());
    }
    lockout::succeeded(svc, &ctx.pool_id, &user, failures).await?;
    after_password(svc, ctx, user).await
}

/// What follows a proven password: the status rules, then tokens or the new-password challenge.
pub async fn after_password(svc: &Services, ctx: &ClientCtx, user: User) -> Result<Outcome, Error> {
    if !user.record.enabled {
        return Err(not_authorized("User is disabled."));
    }
    match user.status {
        UserStatusType::Unconfirmed => {
            return Err(Error::service(ErrorCode::UserNotConfirmedException, "User is not confirmed."))
        }
        UserStatusType::ResetRequired => {
            return Err(Error::service(
                ErrorCode::PasswordResetRequiredException,
                "Password reset required for the user",
            ))
        }
        UserStatusType::ForceChangePassword => {
            let days = ctx
                .pool
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref())
                .and_then(|p| p.temporary_password_validity_days)
                .unwrap_or(7);
            let set_at = user.password.as_ref().map(|p| p.set_at).unwrap_or(0);
            if days > 0 && svc.clock.now_millis() > set_at + i64::from(days) * 86_400_000 {
                return Err(not_authorized("Temporary password has expired and must be reset by an administrator."));
            }
            return new_password_challenge(svc, ctx, &user).await;
        }
        _ => {}
    }
    let result = session::issue(svc, &ctx.pool_id, &ctx.client, &user, None).await?;
    Ok(Outcome { authentication_result: Some(result), ..Default::default() })
}

async fn new_password_challenge(svc: &Services, ctx: &ClientCtx, user: &User) -> Result<Outcome, Error> {
    let session = ids::opaque(svc.rng.as_ref(), 96);
    save_challenge(svc, ctx, &user.record.username_key, &session, "NEW_PASSWORD_REQUIRED", &serde_json::json!({}))
        .await?;
    let shown: serde_json::Map<String, serde_json::Value> = user
        .attributes
        .iter()
        .filter(|a| a.name != "sub")
        .map(|a| (a.name.clone(), serde_json::Value::String(a.value.clone().unwrap_or_default())))
        .collect();
    let required: Vec<String> = schema(&ctx.pool)
        .iter()
        .filter(|s| s.required == Some(true))
        .filter_map(|s| s.name.clone())
        .filter(|n| n != "sub" && user.attribute(n).is_none())
        .map(|n| format!("userAttributes.{n}"))
        .collect();
    let mut p = BTreeMap::new();
    p.insert("USER_ID_FOR_SRP".into(), user.record.username.clone());
    p.insert("requiredAttributes".into(), serde_json::to_string(&required).unwrap_or_else(|_| "[]".into()));
    p.insert("userAttributes".into(), serde_json::Value::Object(shown).to_string());
    Ok(Outcome {
        challenge_name: Some(ChallengeNameType::NewPasswordRequired),
        session: Some(session),
        challenge_parameters: p,
        authentication_result: None,
    })
}

/// NEW_PASSWORD_REQUIRED: sets the new password (and any attributes given) and signs in.
pub async fn new_password_answer(
    svc: &Services,
    ctx: &ClientCtx,
    session: Option<&str>,
    responses: &BTreeMap<String, String>,
) -> Result<Outcome, Error> {
    let username = param(responses, "USERNAME")?;
    let password = param(responses, "NEW_PASSWORD")?;
    secret_hash::check(&ctx.client, username, responses.get("SECRET_HASH").map(String::as_str))?;
    let session = session.ok_or_else(|| Error::invalid_parameter("Missing required parameter Session"))?;
    let policy = ctx.pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    password_policy::check(&policy, password)?;
    let challenge = take_challenge(svc, ctx, session, "NEW_PASSWORD_REQUIRED").await?;
    for _ in 0..UPDATE_ATTEMPTS {
        let record = svc.store.get_user(&ctx.pool_id, &challenge.username_key).await?.ok_or_else(user_not_found)?;
        let mut user = User::from_record(record)?;
        for (k, v) in responses {
            if let Some(name) = k.strip_prefix("userAttributes.") {
                attributes::set(&mut user.attributes, name, v);
            }
        }
        attributes::check_required(schema(&ctx.pool), &user.attributes)?;
        user.password = Some(new_password(svc, &ctx.pool_id, &user.record.username, password).await?);
        user.status = UserStatusType::Confirmed;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&ctx.pool);
        if crate::ops::users::on_conflict(svc.store.save_user(UserWrite::new(&record, &index)).await, &ctx.pool)? {
            let user = User::from_record(record)?;
            return after_password(svc, ctx, user).await;
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under NEW_PASSWORD_REQUIRED")))
}

/// REFRESH_TOKEN_AUTH: new access and ID tokens from a live refresh token.
pub async fn refresh(svc: &Services, ctx: &ClientCtx, params: &BTreeMap<String, String>) -> Result<Outcome, Error> {
    let token = param(params, "REFRESH_TOKEN")?;
    let invalid = || not_authorized("Invalid Refresh Token");
    let s = svc.store.find_session_by_refresh(&session::refresh_hash(token)).await?.ok_or_else(invalid)?;
    if s.revoked || s.client_id != ctx.client_id() || s.pool_id != ctx.pool_id {
        return Err(invalid());
    }
    if svc.clock.now_millis() > s.expires_at {
        return Err(not_authorized("Refresh Token has expired"));
    }
    let record = svc.store.get_user(&ctx.pool_id, &s.username_key).await?.ok_or_else(invalid)?;
    let user = User::from_record(record)?;
    if ctx.client.client_secret.is_some() {
        let named = params.get("USERNAME").map(String::as_str).unwrap_or(&user.record.username);
        secret_hash::check(&ctx.client, named, params.get("SECRET_HASH").map(String::as_str))?;
    }
    if !user.record.enabled {
        return Err(not_authorized("User is disabled."));
    }
    let result = session::issue(svc, &ctx.pool_id, &ctx.client, &user, Some(&s)).await?;
    Ok(Outcome { authentication_result: Some(result), ..Default::default() })
}
