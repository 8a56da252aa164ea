//! CreateUserPoolClient.

use cognate_model::shapes::{CreateUserPoolClientRequest, CreateUserPoolClientResponse, UserPoolClientType};

use super::settings::{apply, ClientSettings};
use crate::error::Result;
use crate::ops::{to_document, user_pools};
use crate::ports::clock::epoch_seconds;
use crate::ports::ClientRecord;
use crate::{ids, messages, Services};

/// Creates an app client, with a generated secret when asked for one.
pub async fn create_user_pool_client(
    svc: &Services,
    input: CreateUserPoolClientRequest,
) -> Result<CreateUserPoolClientResponse> {
    let (_, pool) = user_pools::load(svc, &input.user_pool_id).await?;
    let now = svc.clock.now_millis();
    let client_id = ids::client_id(svc.rng.as_ref());
    let secret = match (input.generate_secret, input.client_secret) {
        (_, Some(given)) => Some(given),
        (Some(true), None) => Some(ids::client_secret(svc.rng.as_ref())),
        _ => None,
    };
    let mut client = UserPoolClientType {
        user_pool_id: Some(input.user_pool_id.clone()),
        client_name: Some(input.client_name.clone()),
        client_id: Some(client_id.clone()),
        client_secret: secret,
        creation_date: Some(epoch_seconds(now)),
        last_modified_date: Some(epoch_seconds(now)),
        ..Default::default()
    };
    apply(
        &mut client,
        ClientSettings {
            refresh_token_validity: input.refresh_token_validity,
            access_token_validity: input.access_token_validity,
            id_token_validity: input.id_token_validity,
            token_validity_units: input.token_validity_units,
            read_attributes: input.read_attributes,
            write_attributes: input.write_attributes,
            explicit_auth_flows: input.explicit_auth_flows,
            supported_identity_providers: input.supported_identity_providers,
            callback_urls: input.callback_urls,
            logout_urls: input.logout_urls,
            default_redirect_uri: input.default_redirect_uri,
            allowed_oauth_flows: input.allowed_oauth_flows,
            allowed_oauth_scopes: input.allowed_oauth_scopes,
            allowed_oauth_flows_user_pool_client: input.allowed_oauth_flows_user_pool_client,
            analytics_configuration: input.analytics_configuration,
            prevent_user_existence_errors: input.prevent_user_existence_errors,
            enable_token_revocation: input.enable_token_revocation,
            enable_propagate_additional_user_context_data: input.enable_propagate_additional_user_context_data,
            auth_session_validity: input.auth_session_validity,
            refresh_token_rotation: input.refresh_token_rotation,
        },
        &pool,
    )?;
    let record = ClientRecord {
        client_id,
        pool_id: input.user_pool_id.clone(),
        name: input.client_name,
        document: to_document(&client)?,
        created_at: now,
        version: 1,
    };
    if !svc.store.insert_client(&record).await? {
        // The pool was deleted meanwhile.
        return Err(messages::user_pool_not_found(&input.user_pool_id));
    }
    Ok(CreateUserPoolClientResponse { user_pool_client: Some(client) })
}
