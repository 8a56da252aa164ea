//! ForgotPassword, and the reset code AdminResetUserPassword sends too.

use cognate_model::shapes::{
    CodeDeliveryDetailsType, DeliveryMediumType, ForgotPasswordRequest, ForgotPasswordResponse, RecoveryOptionNameType,
    UserPoolType,
};

use super::{client, combination_not_found, find, user_not_found};
use crate::auth::secret_hash;
use crate::delivery::{self, Destination};
use crate::ports::CodeRecord;
use crate::ports::OutboxMessage;
use crate::triggers::custom_message::{compose, Caller, Source};
use crate::users::{attributes, User};
use crate::{codes, Error, Services};

/// Forgot-password codes live one hour.
pub const RESET_CODE_LIFETIME: i64 = 3600 * 1000;
/// The code's purpose.
pub const PURPOSE: &str = "forgot_password";

/// Where a reset code goes: the verified channel the pool's recovery setting prefers (by
/// default a verified phone number, then a verified email).
pub fn destination(pool: &UserPoolType, user: &User) -> Option<Destination> {
    let email = || {
        attributes::is_true(&user.attributes, "email_verified")
            .then(|| user.attribute("email"))
            .flatten()
            .map(|e| Destination { medium: DeliveryMediumType::Email, address: e.to_string(), attribute: "email" })
    };
    let phone = || {
        attributes::is_true(&user.attributes, "phone_number_verified")
            .then(|| user.attribute("phone_number"))
            .flatten()
            .map(|p| Destination { medium: DeliveryMediumType::Sms, address: p.to_string(), attribute: "phone_number" })
    };
    let mut order: Vec<RecoveryOptionNameType> = pool
        .account_recovery_setting
        .as_ref()
        .and_then(|s| s.recovery_mechanisms.clone())
        .map(|mut m| {
            m.sort_by_key(|o| o.priority);
            m.into_iter().map(|o| o.name).collect()
        })
        .unwrap_or_default();
    if order.is_empty() {
        order = vec![RecoveryOptionNameType::VerifiedPhoneNumber, RecoveryOptionNameType::VerifiedEmail];
    }
    order.into_iter().find_map(|o| match o {
        RecoveryOptionNameType::VerifiedEmail => email(),
        RecoveryOptionNameType::VerifiedPhoneNumber => phone(),
        RecoveryOptionNameType::AdminOnly => None,
    })
}

/// `InvalidParameterException` when a user has nowhere to receive a reset code.
// AWS: "Cannot reset password for the user as there is no registered/verified email or phone_number"
pub fn no_destination() -> Error {
    Error::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

/// A reset code for `user` and the message carrying it.
pub async fn reset_code(
    svc: &Services,
    pool_id: &str,
    pool: &UserPoolType,
    user: &User,
    to: &Destination,
    now: i64,
    caller: Caller<'_>,
) -> Result<(CodeRecord, OutboxMessage), Error> {
    let text = codes::new_code(svc.rng.as_ref());
    let content = compose(svc, pool_id, pool, user, (to.medium, &text), Source::ForgotPassword, caller).await?;
    let code = codes::record(svc, pool_id, &user.record.username_key, PURPOSE, &text, now, RESET_CODE_LIFETIME).await?;
    let message = delivery::message(svc, pool_id, pool, &user.record.username, to, content, now);
    Ok((code, message))
}

/// Sends a code with which the user can set a new password.
pub async fn forgot_password(svc: &Services, input: ForgotPasswordRequest) -> Result<ForgotPasswordResponse, Error> {
    let c = client(svc, &input.client_id, combination_not_found).await?;
    secret_hash::check(&c.client, &input.username, input.secret_hash.as_deref())?;
    let Some(user) = find(svc, &c.pool_id, &c.pool, &input.username).await? else {
        if c.hides_users() {
            // A simulated delivery, so callers cannot tell whether the user exists.
            return Ok(ForgotPasswordResponse {
                code_delivery_details: Some(CodeDeliveryDetailsType {
                    destination: Some(crate::users::mask::email(&input.username)),
                    delivery_medium: Some(DeliveryMediumType::Email),
                    attribute_name: Some("email".into()),
                }),
            });
        }
        return Err(user_not_found());
    };
    let to = destination(&c.pool, &user).ok_or_else(no_destination)?;
    let now = svc.clock.now_millis();
    let caller = Caller { client_id: Some(c.client_id()), client_metadata: input.client_metadata.as_ref() };
    let (code, message) = reset_code(svc, &c.pool_id, &c.pool, &user, &to, now, caller).await?;
    if !svc.store.put_code(&code, Some(&message)).await? {
        return Err(user_not_found());
    }
    Ok(ForgotPasswordResponse { code_delivery_details: Some(to.details()) })
}
