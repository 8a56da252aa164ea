//! AdminDeleteUserAttributes.

use cognate_model::shapes::{AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse};

use super::{admin_target, schema};
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::users::attributes;
use crate::{Error, Services};

/// Removes attributes; required ones cannot be removed.
pub async fn admin_delete_user_attributes(
    svc: &Services,
    input: AdminDeleteUserAttributesRequest,
) -> Result<AdminDeleteUserAttributesResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        for name in &input.user_attribute_names {
            if name == "sub" {
                return Err(Error::invalid_parameter("Cannot delete attribute sub."));
            }
            attributes::remove(&mut user.attributes, name);
        }
        attributes::check_required(schema(&pool), &user.attributes)?;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        if svc.store.save_user(UserWrite::new(&record, &index)).await? {
            return Ok(AdminDeleteUserAttributesResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminDeleteUserAttributes")))
}
