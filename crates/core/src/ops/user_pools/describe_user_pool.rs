//! DescribeUserPool.

use cognate_model::shapes::{DescribeUserPoolRequest, DescribeUserPoolResponse};

use crate::error::Result;
use crate::Services;

/// The pool as stored, with its current number of users.
pub async fn describe_user_pool(svc: &Services, input: DescribeUserPoolRequest) -> Result<DescribeUserPoolResponse> {
    let (_, mut pool) = super::load(svc, &input.user_pool_id).await?;
    let users = svc.store.count_users(&input.user_pool_id).await?;
    pool.estimated_number_of_users = Some(i32::try_from(users).unwrap_or(i32::MAX));
    Ok(DescribeUserPoolResponse { user_pool: Some(pool) })
}
