//! VerifyUserAttribute.

use cognate_model::shapes::{VerifyUserAttributeRequest, VerifyUserAttributeResponse};

use super::{check_status, limit_exceeded, purpose, verifiable};
use crate::auth::access;
use crate::ops::users::on_conflict;
use crate::ports::store::UserWrite;
use crate::users::attributes;
use crate::{codes, Error, Services};

/// Checks a code sent by GetUserAttributeVerificationCode (or an attribute update): the
/// attribute becomes verified, and a value waiting for verification replaces the current one.
/// Each code works once; concurrent uses of one code succeed exactly once.
pub async fn verify_user_attribute(
    svc: &Services,
    input: VerifyUserAttributeRequest,
) -> Result<VerifyUserAttributeResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    check_status(&a.user)?;
    let attribute = verifiable(&input.attribute_name)?;
    let now = svc.clock.now_millis();
    let limit = svc.config.limits.verify;
    let key = &a.user.record.username_key;
    if !svc.store.record_event(&a.pool_id, key, "verify", now, now - limit.window_millis, limit.max).await? {
        return Err(limit_exceeded());
    }
    let code = codes::check(svc, &a.pool_id, key, &purpose(attribute), &input.code, now).await?;
    let mut user = a.user;
    if let Some(value) = user.pending.remove(attribute) {
        attributes::set(&mut user.attributes, attribute, &value);
    }
    attributes::set(&mut user.attributes, &format!("{attribute}_verified"), "true");
    let record = user.next_record(now)?;
    let index = user.index(&a.pool);
    let write = UserWrite { consume_code: Some(&code), ..UserWrite::new(&record, &index) };
    // A value verified here that another user holds as a verified alias: AliasExistsException,
    // whether the pool signs in with it as an alias or as the username.
    let saved = on_conflict(svc.store.save_user(write).await, &a.pool).map_err(|e| match e {
        Error::Service(s) if s.code == cognate_model::ErrorCode::UsernameExistsException => {
            Error::service(cognate_model::ErrorCode::AliasExistsException, s.message)
        }
        other => other,
    })?;
    if !saved {
        // The code was used (or the user changed) by a concurrent request.
        return Err(codes::expired());
    }
    Ok(VerifyUserAttributeResponse::default())
}
