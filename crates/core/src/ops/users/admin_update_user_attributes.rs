//! AdminUpdateUserAttributes.

use cognate_model::shapes::{AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse};

use super::{admin_target, on_conflict, schema};
use crate::ops::UPDATE_ATTEMPTS;
use crate::ports::store::UserWrite;
use crate::users::attributes;
use crate::{Error, Services};

/// Sets attributes (a blank value deletes one). Changing `email` or `phone_number` marks it
/// unverified unless the request also sets its `*_verified` attribute.
pub async fn admin_update_user_attributes(
    svc: &Services,
    input: AdminUpdateUserAttributesRequest,
) -> Result<AdminUpdateUserAttributesResponse, Error> {
    for _ in 0..UPDATE_ATTEMPTS {
        let (pool, mut user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
        attributes::check_given(schema(&pool), &input.user_attributes)?;
        for a in &input.user_attributes {
            if let Some(def) = schema(&pool).iter().find(|s| s.name.as_deref() == Some(a.name.as_str())) {
                if def.mutable == Some(false) && user.attribute(&a.name).is_some() {
                    // AWS: an immutable attribute can be set once, never changed.
                    return Err(Error::invalid_parameter(format!(
                        "Attribute cannot be updated. (changing an immutable attribute) {}",
                        a.name
                    )));
                }
            }
        }
        for a in &input.user_attributes {
            let value = a.value.as_deref().unwrap_or_default();
            let changed = user.attribute(&a.name) != Some(value);
            if value.is_empty() {
                attributes::remove(&mut user.attributes, &a.name);
            } else {
                attributes::set(&mut user.attributes, &a.name, value);
            }
            let verified = format!("{}_verified", a.name);
            let sets_verified = input.user_attributes.iter().any(|x| x.name == verified);
            if changed && matches!(a.name.as_str(), "email" | "phone_number") && !sets_verified {
                attributes::set(&mut user.attributes, &verified, "false");
            }
        }
        attributes::check_required(schema(&pool), &user.attributes)?;
        let record = user.next_record(svc.clock.now_millis())?;
        let index = user.index(&pool);
        if on_conflict(svc.store.save_user(UserWrite::new(&record, &index)).await, &pool)? {
            return Ok(AdminUpdateUserAttributesResponse::default());
        }
    }
    Err(Error::Internal(anyhow::anyhow!("user kept changing under AdminUpdateUserAttributes")))
}
