//! AddCustomAttributes.

use cognate_model::shapes::{AddCustomAttributesRequest, AddCustomAttributesResponse};

use super::schema;
use crate::error::Result;
use crate::Services;

/// Adds custom attributes to the pool's schema.
pub async fn add_custom_attributes(
    svc: &Services,
    input: AddCustomAttributesRequest,
) -> Result<AddCustomAttributesResponse> {
    super::modify(svc, &input.user_pool_id, |pool| {
        let attrs = pool.schema_attributes.get_or_insert_with(Vec::new);
        schema::add_custom(attrs, input.custom_attributes.clone())
    })
    .await?;
    Ok(AddCustomAttributesResponse::default())
}
