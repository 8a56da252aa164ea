//! The AWS JSON 1.1 protocol layer: `POST /` with `X-Amz-Target`, content types, the body
//! limit, routing to the operation, model validation, and encoding the answer. It holds no
//! business rules: those live in core.

pub mod errors;
pub mod quotas;
pub mod sigv4;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use cognate_core::Cognito;
use cognate_model::{ErrorCode, Operation, RequestContext, ServiceError};
use tracing::Instrument;

use crate::AppState;

/// The content type of every answer.
pub const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The request id header.
pub const REQUEST_ID: &str = "x-amzn-requestid";
/// The `X-Amz-Target` prefix of this service.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The route for `POST /`.
pub async fn handle(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    if method != Method::POST {
        return not_understood(&request_id);
    }
    let op = match route(&headers) {
        Ok(op) => op,
        Err(e) => return errors::service_error(&request_id, &e),
    };
    let span = tracing::info_span!("request", op = op.name(), request_id = %request_id);
    async move {
        let ctx = RequestContext { request_id: request_id.clone(), source_ip: Some(peer.ip().to_string()) };
        match call(&state, &ctx, op, (&method, &uri, &headers), body).await {
            Ok(bytes) => {
                let mut response = (StatusCode::OK, bytes).into_response();
                let h = response.headers_mut();
                h.insert("content-type", HeaderValue::from_static(JSON_CONTENT_TYPE));
                if let Ok(v) = HeaderValue::from_str(&request_id) {
                    h.insert(REQUEST_ID, v);
                }
                response
            }
            Err(e) => errors::error(&request_id, e),
        }
    }
    .instrument(span)
    .await
}

/// The operation named by `X-Amz-Target`, after checking the content type.
fn route(headers: &HeaderMap) -> Result<Operation, ServiceError> {
    if let Some(ct) = headers.get("content-type") {
        let media = ct.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !matches!(
            media.as_str(),
            "application/x-amz-json-1.1" | "application/x-amz-json-1.0" | "application/json" | ""
        ) {
            return Err(ServiceError::new(
                ErrorCode::SerializationException,
                format!("Unsupported content type {media}: send application/x-amz-json-1.1."),
            ));
        }
    }
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ServiceError::new(ErrorCode::UnknownOperationException, "Missing X-Amz-Target header."))?;
    target
        .strip_prefix(TARGET_PREFIX)
        .and_then(Operation::from_name)
        .ok_or_else(|| ServiceError::new(ErrorCode::UnknownOperationException, format!("Unknown operation {target}.")))
}

/// Authorises, reads, parses and validates the body, then runs the operation.
async fn call(
    state: &AppState,
    ctx: &RequestContext,
    op: Operation,
    (method, uri, headers): (&Method, &Uri, &HeaderMap),
    body: Body,
) -> Result<Vec<u8>, cognate_core::Error> {
    // The signature covers the body, so it is read first (within the size limit).
    let bytes = read_body(body).await?;
    let request = sigv4::SignedRequest { method, uri, headers, body: &bytes };
    state.sigv4.authorize(op, &request, state.now())?;
    state.quotas.check(op)?;
    // Say "not implemented" before judging the input of an operation we would not run anyway.
    if !Cognito::IMPLEMENTED.contains(&op) {
        return Err(ServiceError::not_implemented(op).into());
    }
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ServiceError::new(ErrorCode::SerializationException, format!("Malformed JSON: {e}")))?
    };
    let mut value = value;
    cognate_model::validate(op.input_shape(), &mut value).map_err(ServiceError::from)?;
    cognate_model::dispatch(&state.service, ctx, op, value).await
}

async fn read_body(body: Body) -> Result<Bytes, ServiceError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| {
        ServiceError::new(
            ErrorCode::InvalidParameterException,
            format!("Request body is too large or unreadable: the limit is {MAX_BODY_BYTES} bytes."),
        )
    })
}

/// The answer for paths and methods the API does not have.
pub fn not_understood(request_id: &str) -> Response {
    let e = ServiceError::new(
        ErrorCode::UnknownOperationException,
        "The server did not understand the operation that was requested.",
    );
    let mut r = errors::service_error(request_id, &e);
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}
