//! UpdateUserAttributes.

use cognate_model::shapes::{UpdateUserAttributesRequest, UpdateUserAttributesResponse};

use super::update;
use crate::auth::access;
use crate::ops::users::on_conflict;
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::triggers::custom_message::Caller;
use crate::users::User;
use crate::{Error, Services};

/// Changes the signed-in user's attributes; changed contacts the pool verifies get a code.
pub async fn update_user_attributes(
    svc: &Services,
    input: UpdateUserAttributesRequest,
) -> Result<UpdateUserAttributesResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    let mut current = a.user;
    for _ in 0..UPDATE_ATTEMPTS {
        let mut user = current.clone();
        let now = svc.clock.now_millis();
        let caller = Caller {
            client_id: a.claims.get("client_id").and_then(|c| c.as_str()),
            client_metadata: input.client_metadata.as_ref(),
        };
        let effects = update::apply(svc, &a.pool_id, &a.pool, &mut user, &input.user_attributes, now, caller).await?;
        let record = user.next_record(now)?;
        let index = user.index(&a.pool);
        let write = UserWrite { codes: &effects.codes, messages: &effects.messages, ..UserWrite::new(&record, &index) };
        if on_conflict(svc.store.save_user(write).await, &a.pool)? {
            let list = (!effects.details.is_empty()).then_some(effects.details);
            return Ok(UpdateUserAttributesResponse { code_delivery_details_list: list });
        }
        let fresh = svc.store.get_user(&a.pool_id, &current.record.username_key).await?;
        current = User::from_record(fresh.ok_or_else(crate::ops::users::user_not_found)?)?;
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under UpdateUserAttributes")))
}
