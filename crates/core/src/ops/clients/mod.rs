//! App clients: create, describe, update, delete, list.

mod create_user_pool_client;
mod delete_user_pool_client;
mod describe_user_pool_client;
mod list_user_pool_clients;
mod settings;
mod update_user_pool_client;

pub use create_user_pool_client::create_user_pool_client;
pub use delete_user_pool_client::delete_user_pool_client;
pub use describe_user_pool_client::describe_user_pool_client;
pub use list_user_pool_clients::list_user_pool_clients;
pub use update_user_pool_client::update_user_pool_client;

use cognate_model::shapes::UserPoolClientType;

use super::from_document;
use crate::error::Result;
use crate::ports::ClientRecord;
use crate::{messages, Services};

/// The client `client_id` of pool `pool_id`. The pool is checked first, so an unknown pool
/// answers as such rather than as an unknown client.
pub(crate) async fn load(svc: &Services, pool_id: &str, client_id: &str) -> Result<(ClientRecord, UserPoolClientType)> {
    let record = match svc.store.get_client(client_id).await? {
        Some(r) if r.pool_id == pool_id => r,
        _ => {
            if svc.store.get_pool(pool_id).await?.is_none() {
                return Err(messages::user_pool_not_found(pool_id));
            }
            return Err(messages::user_pool_client_not_found(client_id));
        }
    };
    let client = from_document(&record.document)?;
    Ok((record, client))
}
