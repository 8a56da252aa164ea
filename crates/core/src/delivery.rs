//! Composing messages (verification codes, invitations) from the pool's templates, choosing
//! where they go, and the `CodeDeliveryDetails` the caller sees. Delivery itself happens later,
//! from the outbox.

use cognate_model::shapes::{CodeDeliveryDetailsType, DeliveryMediumType, UserPoolType, VerifiedAttributeType};

use crate::ids;
use crate::ports::OutboxMessage;
use crate::users::{mask, User};
use crate::Services;

/// The default verification message body.
// AWS: default body "Your verification code is {####}. " and subject "Your verification code".
pub const DEFAULT_VERIFICATION_BODY: &str = "Your verification code is {####}. ";
/// The default verification email subject.
pub const DEFAULT_VERIFICATION_SUBJECT: &str = "Your verification code";
/// The default invitation body.
pub const DEFAULT_INVITATION_BODY: &str = "Your username is {username} and temporary password is {####}. ";
/// The default invitation subject.
pub const DEFAULT_INVITATION_SUBJECT: &str = "Your temporary password";

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// EMAIL or SMS.
    pub medium: DeliveryMediumType,
    /// The address or number.
    pub address: String,
    /// The attribute it came from (`email`, `phone_number`).
    pub attribute: &'static str,
}

impl Destination {
    /// The masked details the caller sees.
    pub fn details(&self) -> CodeDeliveryDetailsType {
        let masked = match self.medium {
            DeliveryMediumType::Sms => mask::phone(&self.address),
            DeliveryMediumType::Email => mask::email(&self.address),
        };
        CodeDeliveryDetailsType {
            destination: Some(masked),
            delivery_medium: Some(self.medium),
            attribute_name: Some(self.attribute.to_string()),
        }
    }
}

/// Where a sign-up code goes: the phone if the pool verifies phone numbers and the user has
/// one, else the email if the pool verifies emails; nowhere if the pool verifies neither.
pub fn signup_destination(pool: &UserPoolType, user: &User) -> Option<Destination> {
    let auto = pool.auto_verified_attributes.as_deref().unwrap_or_default();
    if auto.contains(&VerifiedAttributeType::PhoneNumber) {
        if let Some(p) = user.attribute("phone_number") {
            return Some(Destination {
                medium: DeliveryMediumType::Sms,
                address: p.to_string(),
                attribute: "phone_number",
            });
        }
    }
    if auto.contains(&VerifiedAttributeType::Email) {
        if let Some(e) = user.attribute("email") {
            return Some(Destination { medium: DeliveryMediumType::Email, address: e.to_string(), attribute: "email" });
        }
    }
    None
}

/// Subject and body of a verification message carrying `code`.
pub fn verification_text(pool: &UserPoolType, medium: DeliveryMediumType, code: &str) -> (Option<String>, String) {
    let t = pool.verification_message_template.as_ref();
    match medium {
        DeliveryMediumType::Sms => {
            let body = t.and_then(|t| t.sms_message.as_deref()).unwrap_or(DEFAULT_VERIFICATION_BODY);
            (None, body.replace("{####}", code))
        }
        DeliveryMediumType::Email => {
            let body = t.and_then(|t| t.email_message.as_deref()).unwrap_or(DEFAULT_VERIFICATION_BODY);
            let subject = t.and_then(|t| t.email_subject.as_deref()).unwrap_or(DEFAULT_VERIFICATION_SUBJECT);
            (Some(subject.to_string()), body.replace("{####}", code))
        }
    }
}

/// Subject and body of an invitation with a temporary password.
pub fn invitation_text(
    pool: &UserPoolType,
    medium: DeliveryMediumType,
    username: &str,
    password: &str,
) -> (Option<String>, String) {
    let t = pool.admin_create_user_config.as_ref().and_then(|c| c.invite_message_template.as_ref());
    let fill = |s: &str| s.replace("{username}", username).replace("{####}", password);
    match medium {
        DeliveryMediumType::Sms => {
            (None, fill(t.and_then(|t| t.sms_message.as_deref()).unwrap_or(DEFAULT_INVITATION_BODY)))
        }
        DeliveryMediumType::Email => (
            Some(t.and_then(|t| t.email_subject.as_deref()).unwrap_or(DEFAULT_INVITATION_SUBJECT).to_string()),
            fill(t.and_then(|t| t.email_message.as_deref()).unwrap_or(DEFAULT_INVITATION_BODY)),
        ),
    }
}

/// Fails with `CodeDeliveryFailureException` when delivery channels are required and none is
/// configured for `medium`: nothing may be stored for a message that cannot go anywhere.
pub fn require_channel(svc: &Services, medium: DeliveryMediumType) -> Result<(), crate::Error> {
    let c = svc.config.channels;
    let (has, what) = match medium {
        DeliveryMediumType::Email => (c.email, "email"),
        DeliveryMediumType::Sms => (c.sms, "SMS"),
    };
    if c.required && !has {
        return Err(crate::Error::service(
            cognate_model::ErrorCode::CodeDeliveryFailureException,
            format!("Unable to deliver the message: no {what} delivery channel is configured."),
        ));
    }
    Ok(())
}

/// The sender of emails from `pool`: its `EmailConfiguration.From`, if set.
pub fn sender(pool: &UserPoolType) -> Option<String> {
    pool.email_configuration.as_ref().and_then(|e| e.from.clone())
}

/// A pending outbox message.
pub fn message(
    svc: &Services,
    pool_id: &str,
    pool: &UserPoolType,
    username: &str,
    to: &Destination,
    (subject, body): (Option<String>, String),
    now: i64,
) -> OutboxMessage {
    OutboxMessage {
        id: ids::uuid_v7(svc.rng.as_ref(), now),
        pool_id: pool_id.to_string(),
        username: username.to_string(),
        medium: to.medium.as_str().to_string(),
        destination: to.address.clone(),
        sender: if to.medium == DeliveryMediumType::Email { sender(pool) } else { None },
        subject,
        body,
        created_at: now,
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
    }
}
