//! UpdateUserPoolClient.

use cognate_model::shapes::{UpdateUserPoolClientRequest, UpdateUserPoolClientResponse};

use super::settings::{apply, ClientSettings};
use crate::error::{Error, Result};
use crate::ops::{to_document, user_pools, UPDATE_ATTEMPTS};
use crate::ports::clock::epoch_seconds;
use crate::{messages, Services};

/// Replaces the client's settings. As in the real service, a setting the request leaves out
/// returns to its default; the id, secret and creation date stay.
pub async fn update_user_pool_client(
    svc: &Services,
    input: UpdateUserPoolClientRequest,
) -> Result<UpdateUserPoolClientResponse> {
    let (_, pool) = user_pools::load(svc, &input.user_pool_id).await?;
    for _ in 0..UPDATE_ATTEMPTS {
        let (mut record, mut client) = super::load(svc, &input.user_pool_id, &input.client_id).await?;
        if let Some(name) = &input.client_name {
            client.client_name = Some(name.clone());
        }
        let i = input.clone();
        apply(
            &mut client,
            ClientSettings {
                refresh_token_validity: i.refresh_token_validity,
                access_token_validity: i.access_token_validity,
                id_token_validity: i.id_token_validity,
                token_validity_units: i.token_validity_units,
                read_attributes: i.read_attributes,
                write_attributes: i.write_attributes,
                explicit_auth_flows: i.explicit_auth_flows,
                supported_identity_providers: i.supported_identity_providers,
                callback_urls: i.callback_urls,
                logout_urls: i.logout_urls,
                default_redirect_uri: i.default_redirect_uri,
                allowed_oauth_flows: i.allowed_oauth_flows,
                allowed_oauth_scopes: i.allowed_oauth_scopes,
                allowed_oauth_flows_user_pool_client: i.allowed_oauth_flows_user_pool_client,
                analytics_configuration: i.analytics_configuration,
                prevent_user_existence_errors: i.prevent_user_existence_errors,
                enable_token_revocation: i.enable_token_revocation,
                enable_propagate_additional_user_context_data: i.enable_propagate_additional_user_context_data,
                auth_session_validity: i.auth_session_validity,
                refresh_token_rotation: i.refresh_token_rotation,
            },
            &pool,
        )?;
        client.last_modified_date = Some(epoch_seconds(svc.clock.now_millis()));
        record.name = client.client_name.clone().unwrap_or_default();
        record.document = to_document(&client)?;
        record.version += 1;
        if svc.store.update_client(&record).await? {
            return Ok(UpdateUserPoolClientResponse { user_pool_client: Some(client) });
        }
        if svc.store.get_client(&input.client_id).await?.is_none() {
            return Err(messages::user_pool_client_not_found(&input.client_id));
        }
    }
    Err(Error::Internal(anyhow::anyhow!("client {} kept changing under an update", input.client_id)))
}
