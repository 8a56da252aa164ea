//! GetUserAttributeVerificationCode.

use cognate_model::shapes::{GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse};

use super::{check_status, destination, limit_exceeded, purpose, verifiable, VERIFICATION_CODE_LIFETIME};
use crate::auth::access;
use crate::ops::users::user_not_found;
use crate::ports::store::{EventLimit, PutCode};
use crate::triggers::custom_message::{compose, Caller, Source};
use crate::{codes, delivery, Error, Services};

/// Sends the signed-in user a code for `email` or `phone_number` (to a value waiting for
/// verification, if there is one). The newest code replaces older ones; at most
/// `limits.get_code` codes per user per window.
pub async fn get_user_attribute_verification_code(
    svc: &Services,
    input: GetUserAttributeVerificationCodeRequest,
) -> Result<GetUserAttributeVerificationCodeResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    check_status(&a.user)?;
    let attribute = verifiable(&input.attribute_name)?;
    let to = destination(&a.user, attribute)?;
    let now = svc.clock.now_millis();
    let limit = svc.config.limits.get_code;
    let limit = EventLimit { action: "get_code".into(), at: now, since: now - limit.window_millis, max: limit.max };
    // The limit is counted where the code is stored, in its transaction. A request over it must
    // not reach the CustomMessage trigger, nor be refused for a missing delivery channel (the
    // limit is answered first): when either could happen, it is also read here first.
    let has_trigger = a.pool.lambda_config.as_ref().is_some_and(|l| l.custom_message.is_some());
    if has_trigger || delivery::require_channel(svc, to.medium).is_err() {
        let (recent, _) =
            svc.store.recent_events(&a.pool_id, &a.user.record.username_key, &limit.action, limit.since).await?;
        if recent >= limit.max {
            return Err(limit_exceeded());
        }
    }
    let text = codes::new_code(svc.rng.as_ref());
    let caller = Caller {
        client_id: a.claims.get("client_id").and_then(|c| c.as_str()),
        client_metadata: input.client_metadata.as_ref(),
    };
    let content =
        compose(svc, &a.pool_id, &a.pool, &a.user, (to.medium, &text), Source::VerifyUserAttribute, caller).await?;
    let code = codes::record(
        svc,
        &a.pool_id,
        &a.user.record.username_key,
        &purpose(attribute),
        &text,
        now,
        VERIFICATION_CODE_LIFETIME,
    )
    .await?;
    let message = delivery::message(svc, &a.pool_id, &a.pool, &a.user.record.username, &to, content, now);
    match svc.store.put_code_within(&code, &message, &limit).await? {
        PutCode::Stored => {}
        PutCode::UserGone => return Err(user_not_found()),
        PutCode::Limited => return Err(limit_exceeded()),
    }
    Ok(GetUserAttributeVerificationCodeResponse { code_delivery_details: Some(to.details()) })
}
