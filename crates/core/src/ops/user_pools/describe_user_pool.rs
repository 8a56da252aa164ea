//! DescribeUserPool.

use cognate_model::shapes::{DescribeUserPoolRequest, DescribeUserPoolResponse};

use crate::error::Result;
use crate::Services;

/// The pool as stored.
pub async fn describe_user_pool(svc: &Services, input: DescribeUserPoolRequest) -> Result<DescribeUserPoolResponse> {
    let (_, pool) = super::load(svc, &input.user_pool_id).await?;
    Ok(DescribeUserPoolResponse { user_pool: Some(pool) })
}
