//! The development messages API: what cognate "sent", for tests to read codes from. Served at
//! `/_cognate/messages`, and at the inspection paths LocalStack users already call
//! (`/_aws/ses`, `/_aws/sns/sms-messages`). Only mounted when enabled (by default on loopback).
//! When admin credentials are configured, requests must be SigV4-signed like the admin
//! operations (service `cognito-idp`); without them the server only listens on loopback unless
//! told otherwise, so the codes are not readable from the network.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cognate_core::ports::clock::epoch_seconds;
use cognate_core::ports::store::MessageFilter;
use cognate_core::ports::OutboxMessage;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::AppState;

/// How many messages a listing returns at most.
const LIMIT: u32 = 1000;
/// The sender shown for emails when the pool names none.
const DEFAULT_SOURCE: &str = "no-reply@verificationemail.com";

/// Filters of `GET /_cognate/messages`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filters {
    user_pool_id: Option<String>,
    username: Option<String>,
    destination: Option<String>,
    medium: Option<String>,
}

/// Lets a request through if it is signed, when signatures are required.
pub async fn signed(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !state.sigv4.verifies() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::protocol::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let signed = crate::protocol::sigv4::SignedRequest {
        method: &parts.method,
        uri: &parts.uri,
        headers: &parts.headers,
        body: &bytes,
    };
    if let Err(e) = state.sigv4.authorize_any(&signed, state.now()) {
        let mut r = crate::protocol::errors::service_error(&uuid::Uuid::new_v4().to_string(), &e);
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

async fn list(state: &AppState, filter: MessageFilter) -> Result<Vec<OutboxMessage>, Response> {
    state.store.list_messages(&filter, LIMIT).await.map_err(|e| {
        tracing::error!(error = format!("{e:#}"), "listing messages");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// `GET /_cognate/messages`: newest first.
pub async fn get_messages(State(state): State<Arc<AppState>>, Query(f): Query<Filters>) -> Response {
    let filter = MessageFilter {
        pool_id: f.user_pool_id,
        username: f.username,
        destination: f.destination,
        medium: f.medium.map(|m| m.to_ascii_uppercase()),
    };
    match list(&state, filter).await {
        Ok(messages) => Json(json!({
            "messages": messages.iter().map(|m| json!({
                "id": m.id,
                "userPoolId": m.pool_id,
                "username": m.username,
                "medium": m.medium,
                "destination": m.destination,
                "subject": m.subject,
                "body": m.body,
                "createdAt": epoch_seconds(m.created_at),
                "status": m.status,
            })).collect::<Vec<_>>()
        }))
        .into_response(),
        Err(r) => r,
    }
}

/// `DELETE /_cognate/messages`: forgets every message.
pub async fn delete_messages(State(state): State<Arc<AppState>>) -> Response {
    match state.store.clear_messages().await {
        Ok(n) => Json(json!({ "deleted": n })).into_response(),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "clearing messages");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /_aws/ses?email=ADDR`, in LocalStack's shape.
pub async fn ses(State(state): State<Arc<AppState>>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let filter =
        MessageFilter { destination: q.get("email").cloned(), medium: Some("EMAIL".into()), ..Default::default() };
    match list(&state, filter).await {
        Ok(messages) => Json(json!({
            "messages": messages.iter().map(|m| json!({
                "Id": m.id,
                "Region": state.region,
                "Destination": {"ToAddresses": [m.destination]},
                "Source": DEFAULT_SOURCE,
                "Subject": m.subject,
                "Body": {"text_part": m.body, "html_part": Value::Null},
                "Timestamp": iso8601(m.created_at),
            })).collect::<Vec<_>>()
        }))
        .into_response(),
        Err(r) => r,
    }
}

/// `GET /_aws/sns/sms-messages?phoneNumber=NUMBER`, in LocalStack's shape.
pub async fn sns(State(state): State<Arc<AppState>>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let filter =
        MessageFilter { destination: q.get("phoneNumber").cloned(), medium: Some("SMS".into()), ..Default::default() };
    match list(&state, filter).await {
        Ok(messages) => {
            let mut by_number: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for m in &messages {
                by_number.entry(m.destination.clone()).or_default().push(json!({
                    "PhoneNumber": m.destination,
                    "Message": m.body,
                    "MessageId": m.id,
                }));
            }
            Json(json!({ "region": state.region, "sms_messages": by_number })).into_response()
        }
        Err(r) => r,
    }
}

/// `2026-11-26T12:00:00.000Z` from epoch milliseconds.
fn iso8601(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_iso_8601() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso8601(1_795_651_200_123), "2026-11-26T00:00:00.123Z");
        assert_eq!(super::iso8601(1_835_481_599_000), "2028-02-29T23:59:59.000Z");
    }
}
