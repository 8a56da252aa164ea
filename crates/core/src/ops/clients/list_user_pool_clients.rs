//! ListUserPoolClients.

use cognate_model::shapes::{ListUserPoolClientsRequest, ListUserPoolClientsResponse, UserPoolClientDescription};

use crate::error::Result;
use crate::ops::user_pools;
use crate::{pagination, Services};

/// A page of a pool's clients, `MaxResults` (default 60) at a time.
pub async fn list_user_pool_clients(
    svc: &Services,
    input: ListUserPoolClientsRequest,
) -> Result<ListUserPoolClientsResponse> {
    user_pools::load(svc, &input.user_pool_id).await?;
    let after = input.next_token.as_deref().map(pagination::decode).transpose()?;
    let limit = input.max_results.and_then(|m| u32::try_from(m).ok()).filter(|m| *m > 0).unwrap_or(60);
    let rows = svc.store.list_clients(&input.user_pool_id, after.as_deref(), limit + 1).await?;
    let (rows, next_token) = pagination::page(rows, limit as usize, |r| r.client_id.as_str());
    let user_pool_clients = rows
        .into_iter()
        .map(|r| UserPoolClientDescription {
            client_id: Some(r.client_id),
            user_pool_id: Some(r.pool_id),
            client_name: Some(r.name),
        })
        .collect();
    Ok(ListUserPoolClientsResponse { user_pool_clients: Some(user_pool_clients), next_token })
}
