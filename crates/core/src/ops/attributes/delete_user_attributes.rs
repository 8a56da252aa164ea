//! DeleteUserAttributes.

use cognate_model::shapes::{DeleteUserAttributesRequest, DeleteUserAttributesResponse};

use crate::auth::access;
use crate::ports::store::UserWrite;
use crate::users::attributes;
use crate::{Error, Services};

/// Removes attributes of the signed-in user; required ones and `sub` cannot go.
pub async fn delete_user_attributes(
    svc: &Services,
    input: DeleteUserAttributesRequest,
) -> Result<DeleteUserAttributesResponse, Error> {
    let a = access::verify(svc, &input.access_token).await?;
    let mut user = a.user;
    for name in &input.user_attribute_names {
        if name == "sub" {
            return Err(Error::invalid_parameter("Cannot delete attribute sub."));
        }
        attributes::remove(&mut user.attributes, name);
        user.pending.remove(name);
    }
    attributes::check_required(crate::ops::users::schema(&a.pool), &user.attributes)?;
    let record = user.next_record(svc.clock.now_millis())?;
    let index = user.index(&a.pool);
    if !svc.store.save_user(UserWrite::new(&record, &index)).await? {
        return Err(Error::Internal(anyhow::anyhow!("user changed during DeleteUserAttributes")));
    }
    Ok(DeleteUserAttributesResponse::default())
}
