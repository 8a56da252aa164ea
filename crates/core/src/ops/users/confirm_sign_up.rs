//! ConfirmSignUp.

use cognate_model::shapes::{ConfirmSignUpRequest, ConfirmSignUpResponse, UserStatusType};
use cognate_model::ErrorCode;

use super::{client, combination_not_found, find, on_conflict, take_aliases, user_not_found};
use crate::auth::secret_hash;
use crate::ports::store::UserWrite;
use crate::users::attributes;
use crate::{codes, delivery, Error, Services};

/// Confirms a user with the code sent at sign-up; the attribute the code went to is verified.
pub async fn confirm_sign_up(svc: &Services, input: ConfirmSignUpRequest) -> Result<ConfirmSignUpResponse, Error> {
    let c = client(svc, &input.client_id, combination_not_found).await?;
    secret_hash::check(&c.client, &input.username, input.secret_hash.as_deref())?;
    let Some(mut user) = find(svc, &c.pool_id, &c.pool, &input.username).await? else {
        // With existence errors hidden, an unknown user looks like a wrong code.
        return Err(if c.hides_users() { codes::mismatch() } else { user_not_found() });
    };
    if user.status != UserStatusType::Unconfirmed {
        return Err(Error::service(
            ErrorCode::NotAuthorizedException,
            format!("User cannot be confirmed. Current status is {}", user.status),
        ));
    }
    let now = svc.clock.now_millis();
    let code =
        codes::check(svc, &c.pool_id, &user.record.username_key, "signup", &input.confirmation_code, now).await?;
    let verified = delivery::signup_destination(&c.pool, &user).map(|d| d.attribute);
    user.status = UserStatusType::Confirmed;
    if let Some(attr) = verified {
        attributes::set(&mut user.attributes, &format!("{attr}_verified"), "true");
    }
    if input.force_alias_creation == Some(true) {
        take_aliases(svc, &c.pool_id, &c.pool, &user).await?;
    }
    let record = user.next_record(now)?;
    let index = user.index(&c.pool);
    let write = UserWrite { consume_code: Some(&code), ..UserWrite::new(&record, &index) };
    if !on_conflict(svc.store.save_user(write).await, &c.pool)? {
        // Someone else used the code or changed the user first.
        return Err(codes::expired());
    }
    Ok(ConfirmSignUpResponse { session: None })
}
