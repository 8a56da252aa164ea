//! ResendConfirmationCode.

use cognate_model::shapes::{ResendConfirmationCodeRequest, ResendConfirmationCodeResponse, UserStatusType};

use super::sign_up::SIGN_UP_CODE_LIFETIME;
use super::{client, combination_not_found, find, user_not_found};
use crate::auth::secret_hash;
use crate::triggers::custom_message::{compose, Caller, Source};
use crate::{codes, delivery, Error, Services};

/// Sends a new sign-up code; the newest code replaces older ones.
pub async fn resend_confirmation_code(
    svc: &Services,
    input: ResendConfirmationCodeRequest,
) -> Result<ResendConfirmationCodeResponse, Error> {
    let c = client(svc, &input.client_id, combination_not_found).await?;
    secret_hash::check(&c.client, &input.username, input.secret_hash.as_deref())?;
    let user = find(svc, &c.pool_id, &c.pool, &input.username).await?.ok_or_else(user_not_found)?;
    if user.status != UserStatusType::Unconfirmed {
        return Err(Error::invalid_parameter("User is already confirmed."));
    }
    // AWS: "Cannot resend codes. Auto verification not turned on."
    let to = delivery::signup_destination(&c.pool, &user)
        .ok_or_else(|| Error::invalid_parameter("Cannot resend codes. Auto verification not turned on."))?;
    let now = svc.clock.now_millis();
    let text = codes::new_code(svc.rng.as_ref());
    let code =
        codes::record(svc, &c.pool_id, &user.record.username_key, "signup", &text, now, SIGN_UP_CODE_LIFETIME).await?;
    let caller = Caller { client_id: Some(c.client_id()), client_metadata: input.client_metadata.as_ref() };
    let content = compose(svc, &c.pool_id, &c.pool, &user, (to.medium, &text), Source::ResendCode, caller).await?;
    let message = delivery::message(svc, &c.pool_id, &c.pool, &user.record.username, &to, content, now);
    if !svc.store.put_code(&code, Some(&message)).await? {
        return Err(user_not_found());
    }
    Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(to.details()) })
}
