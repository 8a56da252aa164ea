//! `GET /health`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;

use crate::AppState;

/// 200 when the store answers, 503 otherwise.
pub async fn health(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    match state.store.health().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok", "store": "ok"}))),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "health check: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "error", "store": "unavailable"})))
        }
    }
}
