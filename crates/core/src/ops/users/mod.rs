//! Users: sign-up and confirmation, the admin operations, listing, and the operations a user
//! performs with an access token.

mod admin_confirm_sign_up;
mod admin_create_user;
mod admin_delete_user;
mod admin_delete_user_attributes;
mod admin_disable_user;
mod admin_enable_user;
mod admin_get_user;
mod admin_reset_user_password;
mod admin_set_user_password;
mod admin_update_user_attributes;
mod admin_user_global_sign_out;
mod change_password;
mod confirm_forgot_password;
mod confirm_sign_up;
mod delete_user;
pub mod forgot_password;
mod get_user;
mod global_sign_out;
mod list_users;
mod resend_confirmation_code;
mod sign_up;

pub use admin_confirm_sign_up::admin_confirm_sign_up;
pub use admin_create_user::admin_create_user;
pub use admin_delete_user::admin_delete_user;
pub use admin_delete_user_attributes::admin_delete_user_attributes;
pub use admin_disable_user::admin_disable_user;
pub use admin_enable_user::admin_enable_user;
pub use admin_get_user::admin_get_user;
pub use admin_reset_user_password::admin_reset_user_password;
pub use admin_set_user_password::admin_set_user_password;
pub use admin_update_user_attributes::admin_update_user_attributes;
pub use admin_user_global_sign_out::admin_user_global_sign_out;
pub use change_password::change_password;
pub use confirm_forgot_password::confirm_forgot_password;
pub use confirm_sign_up::confirm_sign_up;
pub use delete_user::delete_user;
pub use forgot_password::forgot_password;
pub use get_user::get_user;
pub use global_sign_out::global_sign_out;
pub use list_users::list_users;
pub use resend_confirmation_code::resend_confirmation_code;
pub use sign_up::sign_up;

use cognate_model::shapes::{
    AliasAttributeType, AttributeType, PreventUserExistenceErrorTypes, UserPoolClientType, UserPoolType, UserType,
    UsernameAttributeType,
};
use cognate_model::ErrorCode;
use subtle::ConstantTimeEq;

use crate::auth::srp;
use crate::ops::user_pools;
use crate::ports::clock::epoch_seconds;
use crate::ports::compute::offload;
use crate::ports::store::StoreError;
use crate::users::{attributes, username_key, StoredPassword, User};
use crate::vault::verifier_context;
use crate::{messages, Error, Services};

/// A pool with one of its clients, as the client-facing operations need them.
pub(crate) struct ClientCtx {
    pub pool_id: String,
    pub pool: UserPoolType,
    pub client: UserPoolClientType,
}

impl ClientCtx {
    /// The client's id.
    pub fn client_id(&self) -> &str {
        self.client.client_id.as_deref().unwrap_or_default()
    }

    /// Whether the client hides whether users exist (`PreventUserExistenceErrors: ENABLED`).
    pub fn hides_users(&self) -> bool {
        self.client.prevent_user_existence_errors == Some(PreventUserExistenceErrorTypes::Enabled)
    }
}

/// The client `client_id` and its pool; `ResourceNotFoundException` with `missing_text` when
/// there is no such client.
pub(crate) async fn client(
    svc: &Services,
    client_id: &str,
    missing_text: fn(&str) -> Error,
) -> Result<ClientCtx, Error> {
    let record = svc.store.get_client(client_id).await?.ok_or_else(|| missing_text(client_id))?;
    let client: UserPoolClientType = crate::ops::from_document(&record.document)?;
    let (_, pool) = user_pools::load(svc, &record.pool_id).await?;
    Ok(ClientCtx { pool_id: record.pool_id, pool, client })
}

/// The text for an unknown client on sign-up style operations.
// AWS: "Username/client id combination not found." (2026 captures, SignUp-style calls).
pub(crate) fn combination_not_found(_: &str) -> Error {
    Error::resource_not_found("Username/client id combination not found.")
}

/// The text for an unknown client elsewhere.
pub(crate) fn client_not_found(client_id: &str) -> Error {
    messages::user_pool_client_not_found(client_id)
}

/// `UserNotFoundException` "User does not exist."
pub(crate) fn user_not_found() -> Error {
    Error::service(ErrorCode::UserNotFoundException, "User does not exist.")
}

/// The pool and the user `username` names (its username, or an alias); `UserNotFoundException`
/// if there is none. Unknown pools are `ResourceNotFoundException`.
pub(crate) async fn admin_target(svc: &Services, pool_id: &str, username: &str) -> Result<(UserPoolType, User), Error> {
    let (_, pool) = user_pools::load(svc, pool_id).await?;
    let user = find(svc, pool_id, &pool, username).await?.ok_or_else(user_not_found)?;
    Ok((pool, user))
}

/// The user `given` names: by username first, then by the aliases the pool signs in with.
pub(crate) async fn find(
    svc: &Services,
    pool_id: &str,
    pool: &UserPoolType,
    given: &str,
) -> Result<Option<User>, Error> {
    if let Some(r) = svc.store.get_user(pool_id, &username_key(pool, given)).await? {
        return Ok(Some(User::from_record(r)?));
    }
    let key = if crate::users::case_sensitive(pool) { given.to_string() } else { given.to_lowercase() };
    for kind in alias_kinds(pool) {
        if let Some(r) = svc.store.find_user_by_alias(pool_id, kind, &key).await? {
            return Ok(Some(User::from_record(r)?));
        }
    }
    Ok(None)
}

/// The alias kinds a pool signs in with.
fn alias_kinds(pool: &UserPoolType) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for u in pool.username_attributes.as_deref().unwrap_or_default() {
        kinds.push(match u {
            UsernameAttributeType::Email => "email",
            UsernameAttributeType::PhoneNumber => "phone_number",
        });
    }
    for a in pool.alias_attributes.as_deref().unwrap_or_default() {
        kinds.push(match a {
            AliasAttributeType::Email => "email",
            AliasAttributeType::PhoneNumber => "phone_number",
            AliasAttributeType::PreferredUsername => "preferred_username",
        });
    }
    kinds
}

/// Runs a store write, turning uniqueness conflicts into the service's errors.
pub(crate) fn on_conflict<T>(r: Result<T, StoreError>, pool: &UserPoolType) -> Result<T, Error> {
    r.map_err(|e| match e {
        StoreError::Conflict { constraint } => match constraint.strip_prefix("alias:") {
            None => Error::service(ErrorCode::UsernameExistsException, "User already exists"),
            Some(kind) => {
                let text = format!("An account with the given {kind} already exists.");
                let usernames = pool.username_attributes.as_deref().unwrap_or_default();
                if usernames.iter().any(|u| u.as_str() == kind) {
                    Error::service(ErrorCode::UsernameExistsException, text)
                } else {
                    Error::service(ErrorCode::AliasExistsException, text)
                }
            }
        },
        other => other.into(),
    })
}

/// Hashes a password into what is stored: a fresh salt and the SRP verifier.
pub(crate) async fn new_password(
    svc: &Services,
    pool_id: &str,
    user_id_for_srp: &str,
    password: &str,
) -> Result<StoredPassword, Error> {
    let mut salt = [0u8; 16];
    svc.rng.fill(&mut salt);
    let (pool_name, user, password) =
        (srp::pool_name(pool_id).to_string(), user_id_for_srp.to_string(), password.to_string());
    let verifier = offload(svc.compute.as_ref(), move || {
        srp::compute_verifier(&pool_name, &user, &password, &salt).to_str_radix(16)
    })
    .await
    .ok_or_else(|| Error::Internal(anyhow::anyhow!("computing a password verifier failed")))?;
    Ok(StoredPassword {
        salt: salt.iter().map(|b| format!("{b:02x}")).collect(),
        verifier: svc.vault.seal_text(&verifier_context(pool_id, user_id_for_srp), &verifier)?,
        set_at: svc.clock.now_millis(),
    })
}

/// The user's SRP verifier (hex), opened with the vault.
pub(crate) fn stored_verifier(svc: &Services, pool_id: &str, user: &User) -> Result<Option<String>, Error> {
    let Some(stored) = &user.password else { return Ok(None) };
    svc.vault.open_text(&verifier_context(pool_id, &user.record.username), &stored.verifier).map(Some)
}

/// Whether `password` is the user's, by recomputing the verifier (compared in constant time).
pub(crate) async fn password_matches(svc: &Services, pool_id: &str, user: &User, password: &str) -> bool {
    let Some(stored) = &user.password else { return false };
    let Some(salt) = hex_bytes(&stored.salt) else { return false };
    let verifier = match stored_verifier(svc, pool_id, user) {
        Ok(Some(v)) => v,
        Ok(None) => return false,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "reading a password verifier");
            return false;
        }
    };
    let (pool_name, username, password) =
        (srp::pool_name(pool_id).to_string(), user.record.username.clone(), password.to_string());
    let Some(v) =
        offload(svc.compute.as_ref(), move || srp::compute_verifier(&pool_name, &username, &password, &salt)).await
    else {
        return false;
    };
    bool::from(v.to_str_radix(16).as_bytes().ct_eq(verifier.as_bytes()))
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

/// The user as the admin and list operations show it.
pub(crate) fn user_type(user: &User, only: Option<&[String]>) -> UserType {
    let attrs: Vec<AttributeType> = match only {
        Some(names) => user.attributes.iter().filter(|a| names.contains(&a.name)).cloned().collect(),
        None => user.attributes.clone(),
    };
    UserType {
        username: Some(user.record.username.clone()),
        attributes: Some(attrs),
        user_create_date: Some(epoch_seconds(user.record.created_at)),
        user_last_modified_date: Some(epoch_seconds(user.record.updated_at)),
        enabled: Some(user.record.enabled),
        user_status: Some(user.status),
        mfa_options: None,
    }
}

/// How a new user's username is stored, and which attribute it sets, under the pool's rules.
pub(crate) struct NewUsername {
    /// The stored username.
    pub username: String,
    /// An attribute the given username sets (`email` or `phone_number`).
    pub sets: Option<(&'static str, String)>,
}

/// Applies the pool's username rules to a username given at sign-up or creation.
pub(crate) fn new_username(pool: &UserPoolType, given: &str, sub: &str) -> Result<NewUsername, Error> {
    let username_attrs = pool.username_attributes.as_deref().unwrap_or_default();
    if !username_attrs.is_empty() {
        let email_ok = username_attrs.contains(&UsernameAttributeType::Email);
        let phone_ok = username_attrs.contains(&UsernameAttributeType::PhoneNumber);
        let sets = if email_ok && given.contains('@') {
            ("email", given.to_string())
        } else if phone_ok && given.starts_with('+') && given[1..].chars().all(|c| c.is_ascii_digit()) {
            ("phone_number", given.to_string())
        } else {
            let text = match (email_ok, phone_ok) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            };
            return Err(Error::invalid_parameter(text));
        };
        return Ok(NewUsername { username: sub.to_string(), sets: Some(sets) });
    }
    let aliases = pool.alias_attributes.as_deref().unwrap_or_default();
    if aliases.contains(&AliasAttributeType::Email) && given.contains('@') {
        return Err(Error::invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if aliases.contains(&AliasAttributeType::PhoneNumber) && given.starts_with('+') {
        return Err(Error::invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
        ));
    }
    Ok(NewUsername { username: given.to_string(), sets: None })
}

/// The attributes of a new user: `sub` first, then what was given, then what the username sets.
pub(crate) fn new_attributes(
    sub: &str,
    given: &[AttributeType],
    from_username: &Option<(&str, String)>,
) -> Vec<AttributeType> {
    let mut attrs = vec![AttributeType { name: "sub".into(), value: Some(sub.to_string()) }];
    for a in given {
        if !a.value.as_deref().unwrap_or_default().is_empty() {
            attributes::set(&mut attrs, &a.name, a.value.as_deref().unwrap_or_default());
        }
    }
    if let Some((name, value)) = from_username {
        attributes::set(&mut attrs, name, value);
    }
    attrs
}

/// The pool's schema attributes.
pub(crate) fn schema(pool: &UserPoolType) -> &[cognate_model::shapes::SchemaAttributeType] {
    pool.schema_attributes.as_deref().unwrap_or_default()
}

/// Moves the email and phone aliases `user` is about to claim away from the users holding them
/// (their attribute stays, unverified, and stops being an alias): `ForceAliasCreation`.
pub(crate) async fn take_aliases(svc: &Services, pool_id: &str, pool: &UserPoolType, user: &User) -> Result<(), Error> {
    for claim in user.index(pool).aliases {
        if !matches!(claim.kind.as_str(), "email" | "phone_number") {
            continue;
        }
        let Some(holder) = svc.store.find_user_by_alias(pool_id, &claim.kind, &claim.key).await? else { continue };
        if holder.username_key == user.record.username_key {
            continue;
        }
        let mut holder = User::from_record(holder)?;
        attributes::set(&mut holder.attributes, &format!("{}_verified", claim.kind), "false");
        let record = holder.next_record(svc.clock.now_millis())?;
        let index = holder.index(pool);
        svc.store.save_user(crate::ports::store::UserWrite::new(&record, &index)).await?;
    }
    Ok(())
}
