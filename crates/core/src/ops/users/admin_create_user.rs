//! AdminCreateUser.

use cognate_model::shapes::{
    AdminCreateUserRequest, AdminCreateUserResponse, DeliveryMediumType, MessageActionType, UserStatusType,
};

use super::{admin_target, new_attributes, new_password, new_username, on_conflict, schema, take_aliases, user_type};
use crate::delivery::{self, Destination};
use crate::ops::user_pools;
use crate::ports::store::UserWrite;
use crate::ports::{OutboxMessage, UserRecord};
use crate::users::{attributes, password_policy, username_key, User};
use crate::{ids, Error, Services};

/// Creates a user in FORCE_CHANGE_PASSWORD with a temporary password (given or generated) and
/// sends the invitation, unless told to suppress it; RESEND sends it again to an existing user.
pub async fn admin_create_user(
    svc: &Services,
    input: AdminCreateUserRequest,
) -> Result<AdminCreateUserResponse, Error> {
    let now = svc.clock.now_millis();
    if input.message_action == Some(MessageActionType::Resend) {
        return resend(svc, &input, now).await;
    }
    let (_, pool) = user_pools::load(svc, &input.user_pool_id).await?;
    let given = input.user_attributes.clone().unwrap_or_default();
    attributes::check_given(schema(&pool), &given)?;
    let sub = ids::uuid_v4(svc.rng.as_ref());
    let name = new_username(&pool, &input.username, &sub)?;
    let attrs = new_attributes(&sub, &given, &name.sets);
    attributes::check_required(schema(&pool), &attrs)?;
    let policy = pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    let temporary = match &input.temporary_password {
        Some(p) => {
            password_policy::check(&policy, p)?;
            p.clone()
        }
        None => password_policy::temporary(&policy, svc.rng.as_ref()),
    };
    let mut user = User {
        record: UserRecord {
            pool_id: input.user_pool_id.clone(),
            username_key: username_key(&pool, &name.username),
            username: name.username.clone(),
            sub,
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
        status: UserStatusType::ForceChangePassword,
        attributes: attrs,
        password: None,
        pending: Default::default(),
    };
    user.password = Some(new_password(svc, &input.user_pool_id, &name.username, &temporary).await?);
    if input.force_alias_creation == Some(true) {
        take_aliases(svc, &input.user_pool_id, &pool, &user).await?;
    }
    let record = user.to_record()?;
    let index = user.index(&pool);
    let messages = invitations(svc, &input, &pool, &user, &temporary, now);
    let write = UserWrite { messages: &messages, ..UserWrite::new(&record, &index) };
    on_conflict(svc.store.create_user(write).await, &pool)?;
    Ok(AdminCreateUserResponse { user: Some(user_type(&user, None)) })
}

/// Where the invitation goes: each desired medium (SMS by default) the user has a destination for.
fn invitations(
    svc: &Services,
    input: &AdminCreateUserRequest,
    pool: &cognate_model::shapes::UserPoolType,
    user: &User,
    temporary: &str,
    now: i64,
) -> Vec<OutboxMessage> {
    if input.message_action == Some(MessageActionType::Suppress) {
        return Vec::new();
    }
    let mediums = input.desired_delivery_mediums.clone().unwrap_or_else(|| vec![DeliveryMediumType::Sms]);
    let mut out = Vec::new();
    for medium in mediums {
        let attribute = match medium {
            DeliveryMediumType::Email => "email",
            DeliveryMediumType::Sms => "phone_number",
        };
        if let Some(address) = user.attribute(attribute) {
            let to = Destination { medium, address: address.to_string(), attribute };
            let shown = input.username.as_str();
            let text = delivery::invitation_text(pool, medium, shown, temporary);
            out.push(delivery::message(svc, &user.record.pool_id, pool, &user.record.username, &to, text, now));
        }
    }
    out
}

async fn resend(svc: &Services, input: &AdminCreateUserRequest, now: i64) -> Result<AdminCreateUserResponse, Error> {
    let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    if user.status != UserStatusType::ForceChangePassword {
        return Err(Error::service(
            cognate_model::ErrorCode::UnsupportedUserStateException,
            "Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.",
        ));
    }
    let policy = pool.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    let temporary = match &input.temporary_password {
        Some(p) => {
            password_policy::check(&policy, p)?;
            p.clone()
        }
        None => password_policy::temporary(&policy, svc.rng.as_ref()),
    };
    user.password = Some(new_password(svc, &input.user_pool_id, &user.record.username, &temporary).await?);
    let record = user.next_record(now)?;
    let index = user.index(&pool);
    let messages = invitations(svc, input, &pool, &user, &temporary, now);
    let write = UserWrite { messages: &messages, ..UserWrite::new(&record, &index) };
    if !svc.store.save_user(write).await? {
        return Err(Error::Internal(anyhow::anyhow!("user changed during RESEND")));
    }
    let user = User::from_record(record)?;
    Ok(AdminCreateUserResponse { user: Some(user_type(&user, None)) })
}
