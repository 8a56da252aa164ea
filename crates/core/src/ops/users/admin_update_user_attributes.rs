//! AdminUpdateUserAttributes.

use cognate_model::shapes::{AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse};

use super::{admin_target, on_conflict};
use crate::ops::attributes::update;
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::triggers::custom_message::Caller;
use crate::{Error, Services};

/// Sets attributes as UpdateUserAttributes does (a changed contact the pool verifies gets a
/// code, unless the request marks it verified).
pub async fn admin_update_user_attributes(
    svc: &Services,
    input: AdminUpdateUserAttributesRequest,
) -> Result<AdminUpdateUserAttributesResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        let now = svc.clock.now_millis();
        let caller = Caller { client_id: None, client_metadata: input.client_metadata.as_ref() };
        let effects =
            update::apply(svc, &input.user_pool_id, &pool, &mut user, &input.user_attributes, now, caller).await?;
        let record = user.next_record(now)?;
        let index = user.index(&pool);
        let write = UserWrite { codes: &effects.codes, messages: &effects.messages, ..UserWrite::new(&record, &index) };
        if on_conflict(svc.store.save_user(write).await, &pool)? {
            return Ok(AdminUpdateUserAttributesResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminUpdateUserAttributes")))
}
