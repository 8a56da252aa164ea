//! `GET /{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`,
//! consistent with the issuer in the pool's tokens.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cognate_core::auth::{pool_keys, session};
use cognate_core::ops::user_pools;
use cognate_core::tokens::jwks;

use crate::AppState;

fn not_found(pool_id: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(serde_json::json!({"message": format!("User pool {pool_id} does not exist.")})))
        .into_response()
}

/// The pool's public keys.
pub async fn jwks_json(State(state): State<Arc<AppState>>, Path(pool_id): Path<String>) -> Response {
    let svc = state.service.services();
    if user_pools::load(svc, &pool_id).await.is_err() {
        return not_found(&pool_id);
    }
    match pool_keys::keys(svc, &pool_id).await {
        Ok(keys) => Json(jwks(&keys.iter().map(|k| k.public()).collect::<Vec<_>>())).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "loading signing keys");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// OpenID Connect discovery for the pool.
pub async fn openid_configuration(State(state): State<Arc<AppState>>, Path(pool_id): Path<String>) -> Response {
    let svc = state.service.services();
    if user_pools::load(svc, &pool_id).await.is_err() {
        return not_found(&pool_id);
    }
    let issuer = session::issuer(svc, &pool_id);
    Json(serde_json::json!({
        "authorization_endpoint": format!("{issuer}/authorize"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{}/{pool_id}/.well-known/jwks.json", state.public_url),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": format!("{issuer}/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": format!("{issuer}/userInfo"),
    }))
    .into_response()
}
