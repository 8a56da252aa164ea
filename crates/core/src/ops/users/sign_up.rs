//! SignUp.

use cognate_model::shapes::{SignUpRequest, SignUpResponse, UserStatusType};
use cognate_model::ErrorCode;

use super::{client, combination_not_found, new_attributes, new_password, new_username, on_conflict, schema};
use crate::auth::secret_hash;
use crate::ports::store::UserWrite;
use crate::ports::UserRecord;
use crate::triggers::custom_message::{compose, Caller, Source};
use crate::users::{attributes, password_policy, username_key, User};
use crate::{codes, delivery, ids, Error, Services};

/// Sign-up codes live 24 hours.
pub const SIGN_UP_CODE_LIFETIME: i64 = 24 * 3600 * 1000;

/// Registers an unconfirmed user and sends a confirmation code where the pool verifies one.
pub async fn sign_up(svc: &Services, input: SignUpRequest) -> Result<SignUpResponse, Error> {
    let c = client(svc, &input.client_id, combination_not_found).await?;
    secret_hash::check(&c.client, &input.username, input.secret_hash.as_deref())?;
    if c.pool.admin_create_user_config.as_ref().and_then(|a| a.allow_admin_create_user_only) == Some(true) {
        return Err(Error::service(ErrorCode::NotAuthorizedException, "SignUp is not permitted for this user pool"));
    }
    let given = input.user_attributes.unwrap_or_default();
    attributes::check_given(schema(&c.pool), &given)?;
    let sub = ids::uuid_v4(svc.rng.as_ref());
    let name = new_username(&c.pool, &input.username, &sub)?;
    let attrs = new_attributes(&sub, &given, &name.sets);
    attributes::check_required(schema(&c.pool), &attrs)?;
    let policy = c.pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    // Passwordless sign-up (no Password) needs sign-in choices cognate does not offer yet.
    let password = input
        .password
        .as_deref()
        .ok_or_else(|| Error::invalid_parameter("A password is required to sign up in this user pool."))?;
    password_policy::check(&policy, password)?;

    let now = svc.clock.now_millis();
    let mut user = User {
        record: UserRecord {
            pool_id: c.pool_id.clone(),
            username_key: username_key(&c.pool, &name.username),
            username: name.username.clone(),
            sub: sub.clone(),
            status: String::new(),
            enabled: true,
            attributes: String::new(),
            password: None,
            mfa: "{}".into(),
            pending: "{}".into(),
            created_at: now,
            updated_at: now,
            version: 1,
        },
        status: UserStatusType::Unconfirmed,
        attributes: attrs,
        password: None,
        pending: Default::default(),
    };
    user.password = Some(new_password(svc, &c.pool_id, &name.username, password).await?);
    let record = user.to_record()?;
    let index = user.index(&c.pool);
    let destination = delivery::signup_destination(&c.pool, &user);
    let mut write = UserWrite::new(&record, &index);
    let (code, message);
    if let Some(to) = &destination {
        let text = codes::new_code(svc.rng.as_ref());
        code =
            codes::record(svc, &c.pool_id, &record.username_key, "signup", &text, now, SIGN_UP_CODE_LIFETIME).await?;
        let caller = Caller { client_id: Some(c.client_id()), client_metadata: input.client_metadata.as_ref() };
        let content = compose(svc, &c.pool_id, &c.pool, &user, (to.medium, &text), Source::SignUp, caller).await?;
        message = delivery::message(svc, &c.pool_id, &c.pool, &name.username, to, content, now);
        write.codes = std::slice::from_ref(&code);
        write.messages = std::slice::from_ref(&message);
    }
    on_conflict(svc.store.create_user(write).await, &c.pool)?;
    Ok(SignUpResponse {
        user_confirmed: false,
        code_delivery_details: destination.map(|d| d.details()),
        user_sub: sub,
        session: None,
    })
}
