//! ListUserPools.

use cognate_model::shapes::{ListUserPoolsRequest, ListUserPoolsResponse, UserPoolDescriptionType, UserPoolType};

use super::from_document;
use crate::error::Result;
use crate::{pagination, Services};

/// A page of pools, `MaxResults` (1–60) at a time.
pub async fn list_user_pools(svc: &Services, input: ListUserPoolsRequest) -> Result<ListUserPoolsResponse> {
    let after = input.next_token.as_deref().map(pagination::decode).transpose()?;
    let limit = u32::try_from(input.max_results).unwrap_or(1).max(1);
    let rows = svc.store.list_pools(after.as_deref(), limit + 1).await?;
    let (rows, next_token) = pagination::page(rows, limit as usize, |r| r.id.as_str());
    let mut user_pools = Vec::with_capacity(rows.len());
    for row in rows {
        let pool: UserPoolType = from_document(&row.document)?;
        user_pools.push(UserPoolDescriptionType {
            id: pool.id,
            name: pool.name,
            lambda_config: pool.lambda_config,
            last_modified_date: pool.last_modified_date,
            creation_date: pool.creation_date,
            ..Default::default()
        });
    }
    Ok(ListUserPoolsResponse { user_pools: Some(user_pools), next_token })
}
