//! Changing a user's attributes, shared by UpdateUserAttributes and AdminUpdateUserAttributes:
//! schema and mutability rules, blank values deleting, and `email` / `phone_number` changes
//! that the pool verifies — either applied at once and marked unverified, or held pending until
//! verified (`UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`) — with a
//! code sent for each.

use cognate_model::shapes::{AttributeType, CodeDeliveryDetailsType, UserPoolType, VerifiedAttributeType};

use super::{purpose, VERIFICATION_CODE_LIFETIME};
use crate::delivery::{self, Destination};
use crate::ops::users::schema;
use crate::ports::{CodeRecord, OutboxMessage};
use crate::triggers::custom_message::{compose, Caller, Source};
use crate::users::{attributes, User};
use crate::{codes, Error, Services};

/// What an update writes besides the user.
#[derive(Debug, Default)]
pub struct UpdateEffects {
    /// Codes for changed attributes the pool verifies.
    pub codes: Vec<CodeRecord>,
    /// The messages carrying them.
    pub messages: Vec<OutboxMessage>,
    /// What the caller is told.
    pub details: Vec<CodeDeliveryDetailsType>,
}

fn is_listed(list: Option<&Vec<VerifiedAttributeType>>, name: &str) -> bool {
    list.is_some_and(|l| l.iter().any(|a| a.as_str() == name))
}

/// Applies `given` to `user` under `pool`'s rules; returns the codes and messages to write.
pub async fn apply(
    svc: &Services,
    pool_id: &str,
    pool: &UserPoolType,
    user: &mut User,
    given: &[AttributeType],
    now: i64,
    caller: Caller<'_>,
) -> Result<UpdateEffects, Error> {
    attributes::check_given(schema(pool), given)?;
    for a in given {
        let def = schema(pool).iter().find(|s| s.name.as_deref() == Some(a.name.as_str()));
        if def.is_some_and(|d| d.mutable == Some(false)) && user.attribute(&a.name).is_some() {
            // AWS: an immutable attribute can be set once, never changed.
            return Err(Error::invalid_parameter(format!(
                "Attribute cannot be updated. (changing an immutable attribute) {}",
                a.name
            )));
        }
    }
    let auto = pool.auto_verified_attributes.as_ref();
    let hold = pool
        .user_attribute_update_settings
        .as_ref()
        .and_then(|u| u.attributes_require_verification_before_update.as_ref());
    let mut to_verify: Vec<&'static str> = Vec::new();
    for a in given {
        let value = a.value.as_deref().unwrap_or_default();
        let verified_name = format!("{}_verified", a.name);
        let marked_verified = given.iter().any(|x| x.name == verified_name && x.value.as_deref() == Some("true"));
        let contact = match a.name.as_str() {
            "email" => Some("email"),
            "phone_number" => Some("phone_number"),
            _ => None,
        };
        if value.is_empty() {
            attributes::remove(&mut user.attributes, &a.name);
            if let Some(c) = contact {
                attributes::remove(&mut user.attributes, &verified_name);
                user.pending.remove(c);
            }
            continue;
        }
        let Some(contact) = contact else {
            attributes::set(&mut user.attributes, &a.name, value);
            continue;
        };
        if user.attribute(contact) == Some(value) {
            // Set back to the value in use: nothing to verify, and nothing pending any more.
            user.pending.remove(contact);
            continue;
        }
        let verifies = is_listed(auto, contact) && !marked_verified;
        if verifies && is_listed(hold, contact) && user.attribute(contact).is_some() {
            // The old value stays in use until the new one is verified.
            user.pending.insert(contact.to_string(), value.to_string());
        } else {
            attributes::set(&mut user.attributes, contact, value);
            user.pending.remove(contact);
            if !marked_verified {
                attributes::set(&mut user.attributes, &verified_name, "false");
            }
        }
        if verifies {
            to_verify.push(contact);
        }
    }
    attributes::check_required(schema(pool), &user.attributes)?;

    let mut effects = UpdateEffects::default();
    for attribute in to_verify {
        let to = super::destination(user, attribute)?;
        let text = codes::new_code(svc.rng.as_ref());
        let content =
            compose(svc, pool_id, pool, user, (to.medium, &text), Source::UpdateUserAttribute, caller).await?;
        effects.codes.push(
            codes::record(
                svc,
                pool_id,
                &user.record.username_key,
                &purpose(attribute),
                &text,
                now,
                VERIFICATION_CODE_LIFETIME,
            )
            .await?,
        );
        effects.messages.push(delivery::message(svc, pool_id, pool, &user.record.username, &to, content, now));
        effects.details.push(Destination::details(&to));
    }
    Ok(effects)
}
