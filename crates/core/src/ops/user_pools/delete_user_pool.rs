//! DeleteUserPool.

use cognate_model::shapes::{DeleteUserPoolRequest, DeletionProtectionType};

use crate::error::Result;
use crate::{messages, Services};

/// Deletes the pool with its clients, unless deletion protection is on.
pub async fn delete_user_pool(svc: &Services, input: DeleteUserPoolRequest) -> Result<()> {
    let (_, pool) = super::load_fresh(svc, &input.user_pool_id).await?;
    if pool.deletion_protection == Some(DeletionProtectionType::Active) {
        return Err(messages::deletion_protected());
    }
    let deleted = svc.store.delete_pool(&input.user_pool_id).await?;
    svc.pools.forget(&input.user_pool_id);
    if !deleted {
        return Err(messages::user_pool_not_found(&input.user_pool_id));
    }
    Ok(())
}
