//! ListGroups.

use cognate_model::shapes::{GroupType, ListGroupsRequest, ListGroupsResponse};

use crate::ops::{from_document, user_pools};
use crate::{pagination, Error, Services};

/// A page of the pool's groups, by name.
pub async fn list_groups(svc: &Services, input: ListGroupsRequest) -> Result<ListGroupsResponse, Error> {
    user_pools::load(svc, &input.user_pool_id).await?;
    let after = input.next_token.as_deref().map(pagination::decode).transpose()?;
    let limit = input.limit.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(60);
    let rows = svc.store.list_groups(&input.user_pool_id, after.as_deref(), limit + 1).await?;
    let (rows, next_token) = pagination::page(rows, limit as usize, |r| r.name.as_str());
    let groups = rows.iter().map(|r| from_document::<GroupType>(&r.document)).collect::<Result<_, _>>()?;
    Ok(ListGroupsResponse { groups: Some(groups), next_token })
}
