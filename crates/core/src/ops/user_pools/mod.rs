//! User pools: create, describe, update, delete, list, and custom attributes.

mod add_custom_attributes;
pub mod cache;
mod create_user_pool;
mod delete_user_pool;
mod describe_user_pool;
mod list_user_pools;
pub mod schema;
mod settings;
mod update_user_pool;

pub use add_custom_attributes::add_custom_attributes;
pub use create_user_pool::create_user_pool;
pub use delete_user_pool::delete_user_pool;
pub use describe_user_pool::describe_user_pool;
pub use list_user_pools::list_user_pools;
pub use settings::default_password_policy;
pub use update_user_pool::update_user_pool;

use std::sync::Arc;

use cognate_model::shapes::UserPoolType;

use super::{from_document, to_document, UPDATE_ATTEMPTS};
use crate::error::{Error, Result};
use crate::messages;
use crate::ports::PoolRecord;
use crate::Services;

/// The stored pool and its document; `ResourceNotFoundException` if there is none.
/// Served from the instance's short-lived cache of parsed pools (see [`cache`]).
pub async fn load(svc: &Services, pool_id: &str) -> Result<(PoolRecord, UserPoolType)> {
    let (record, pool) = load_shared(svc, pool_id).await?;
    Ok((PoolRecord::clone(&record), UserPoolType::clone(&pool)))
}

/// [`load`] without copying the cached pool (for the paths every request takes).
pub async fn load_shared(svc: &Services, pool_id: &str) -> Result<cache::SharedPool> {
    if let Some(cached) = svc.pools.get(pool_id) {
        return Ok(cached);
    }
    let (record, pool) = load_fresh(svc, pool_id).await?;
    let (record, pool) = (Arc::new(record), Arc::new(pool));
    svc.pools.put(record.clone(), pool.clone());
    Ok((record, pool))
}

/// The stored pool, read now.
pub(crate) async fn load_fresh(svc: &Services, pool_id: &str) -> Result<(PoolRecord, UserPoolType)> {
    let record = svc.store.get_pool(pool_id).await?.ok_or_else(|| messages::user_pool_not_found(pool_id))?;
    let pool = from_document(&record.document)?;
    Ok((record, pool))
}

/// Applies `change` to the stored pool and writes it back, retrying if another writer changed
/// the pool in between. Returns the pool as written.
pub(crate) async fn modify<F>(svc: &Services, pool_id: &str, mut change: F) -> Result<UserPoolType>
where
    F: FnMut(&mut UserPoolType) -> Result<()>,
{
    for _ in 0..UPDATE_ATTEMPTS {
        let (mut record, mut pool) = load_fresh(svc, pool_id).await?;
        change(&mut pool)?;
        pool.last_modified_date = Some(crate::ports::clock::epoch_seconds(svc.clock.now_millis()));
        record.name = pool.name.clone().unwrap_or_default();
        record.document = to_document(&pool)?;
        record.version += 1;
        if svc.store.update_pool(&record).await? {
            svc.pools.put(Arc::new(record), Arc::new(pool.clone()));
            return Ok(pool);
        }
    }
    Err(Error::Internal(anyhow::anyhow!("pool {pool_id} kept changing under an update")))
}
