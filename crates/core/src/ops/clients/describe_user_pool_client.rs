//! DescribeUserPoolClient.

use cognate_model::shapes::{DescribeUserPoolClientRequest, DescribeUserPoolClientResponse};

use crate::error::Result;
use crate::Services;

/// The client as stored, secret included.
pub async fn describe_user_pool_client(
    svc: &Services,
    input: DescribeUserPoolClientRequest,
) -> Result<DescribeUserPoolClientResponse> {
    let (_, client) = super::load(svc, &input.user_pool_id, &input.client_id).await?;
    Ok(DescribeUserPoolClientResponse { user_pool_client: Some(client) })
}
