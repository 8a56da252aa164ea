//! The one place errors become HTTP responses: `{"__type": Code, "message": text}`, the
//! `x-amzn-ErrorType: Code:` header (clients read it first), the request id, and the status
//! (400, except 500 for `InternalErrorException`, 403 for `ForbiddenException` and 408 for
//! `RequestTimeoutException`).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_core::Error;
use cognate_model::{ErrorCode, ServiceError};

use super::{JSON_CONTENT_TYPE, REQUEST_ID};

/// The response for a modelled error.
pub fn service_error(request_id: &str, e: &ServiceError) -> Response {
    let body = serde_json::json!({ "__type": e.code.as_str(), "message": e.message });
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(JSON_CONTENT_TYPE));
    if let Ok(v) = HeaderValue::from_str(&format!("{}:", e.code.as_str())) {
        headers.insert("x-amzn-errortype", v);
    }
    // Only when the text is a valid header value (messages may quote non-ASCII input).
    if let Ok(v) = HeaderValue::from_str(&e.message) {
        headers.insert("x-amzn-errormessage", v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID, v);
    }
    response
}

/// The answer to every internal failure; the cause is logged, never sent.
pub fn internal() -> ServiceError {
    ServiceError::new(ErrorCode::InternalErrorException, "Internal server error.")
}

/// The response for an operation's error.
pub fn error(request_id: &str, e: Error) -> Response {
    match e {
        Error::Service(s) => {
            tracing::debug!(code = s.code.as_str(), message = %s.message, "answered with an error");
            service_error(request_id, &s)
        }
        Error::Internal(cause) => {
            tracing::error!(request_id, error = format!("{cause:#}"), "internal error");
            service_error(request_id, &internal())
        }
    }
}
