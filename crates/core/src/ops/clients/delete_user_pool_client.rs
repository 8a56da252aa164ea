//! DeleteUserPoolClient.

use cognate_model::shapes::DeleteUserPoolClientRequest;

use crate::error::Result;
use crate::{messages, Services};

/// Deletes the client.
pub async fn delete_user_pool_client(svc: &Services, input: DeleteUserPoolClientRequest) -> Result<()> {
    super::load(svc, &input.user_pool_id, &input.client_id).await?;
    if !svc.store.delete_client(&input.user_pool_id, &input.client_id).await? {
        return Err(messages::user_pool_client_not_found(&input.client_id));
    }
    Ok(())
}
