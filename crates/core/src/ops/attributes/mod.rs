//! Attribute verification and the user's own attribute changes:
//! GetUserAttributeVerificationCode, VerifyUserAttribute, UpdateUserAttributes,
//! DeleteUserAttributes.

mod delete_user_attributes;
mod get_user_attribute_verification_code;
pub mod update;
mod update_user_attributes;
mod verify_user_attribute;

pub use delete_user_attributes::delete_user_attributes;
pub use get_user_attribute_verification_code::get_user_attribute_verification_code;
pub use update_user_attributes::update_user_attributes;
pub use verify_user_attribute::verify_user_attribute;

use cognate_model::shapes::{DeliveryMediumType, UserStatusType};
use cognate_model::ErrorCode;

use crate::delivery::Destination;
use crate::users::User;
use crate::Error;

/// Attribute verification codes live 24 hours.
pub const VERIFICATION_CODE_LIFETIME: i64 = 24 * 3600 * 1000;

/// The code purpose for verifying `attribute`.
pub fn purpose(attribute: &str) -> String {
    format!("verify:{attribute}")
}

/// Only `email` and `phone_number` can be verified.
// AWS: "Invalid attribute name. Only phone_number and email can be verified."
pub fn verifiable(name: &str) -> Result<&'static str, Error> {
    match name {
        "email" => Ok("email"),
        "phone_number" => Ok("phone_number"),
        _ => Err(Error::invalid_parameter("Invalid attribute name. Only phone_number and email can be verified.")),
    }
}

/// The statuses in which a signed-in user may not verify attributes.
pub fn check_status(user: &User) -> Result<(), Error> {
    match user.status {
        UserStatusType::ResetRequired => {
            Err(Error::service(ErrorCode::PasswordResetRequiredException, "Password reset required for the user"))
        }
        UserStatusType::Unconfirmed => {
            Err(Error::service(ErrorCode::UserNotConfirmedException, "User is not confirmed."))
        }
        _ => Ok(()),
    }
}

/// Where a code for `attribute` goes: the value waiting for verification if there is one, else
/// the current value.
pub fn destination(user: &User, attribute: &'static str) -> Result<Destination, Error> {
    let value = user.pending.get(attribute).map(String::as_str).or_else(|| user.attribute(attribute));
    let medium = if attribute == "email" { DeliveryMediumType::Email } else { DeliveryMediumType::Sms };
    match value.filter(|v| !v.is_empty()) {
        Some(v) => Ok(Destination { medium, address: v.to_string(), attribute }),
        None if attribute == "email" => {
            Err(Error::invalid_parameter("User does not have a valid registered email address"))
        }
        None => Err(Error::invalid_parameter("User does not have a valid registered phone number")),
    }
}

/// `LimitExceededException` for the per-user hourly limits.
pub fn limit_exceeded() -> Error {
    Error::service(ErrorCode::LimitExceededException, "Attempt limit exceeded, please try after some time.")
}
