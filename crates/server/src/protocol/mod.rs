//! The AWS JSON 1.1 protocol layer: `POST /` with `X-Amz-Target`, content types, the body
//! limit, routing to the operation, model validation, and encoding the answer. It holds no
//! business rules: those live in core.

pub mod errors;
#[doc(hidden)]
pub mod fuzzing;
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
pub fn route(headers: &HeaderMap) -> Result<Operation, ServiceError> {
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
    let bytes = read_body(body, state.body_timeout).await?;
    let request = sigv4::SignedRequest { method, uri, headers, body: &bytes };
    state.sigv4.authorize(op, &request, state.now())?;
    state.quotas.check(op)?;
    // Say "not implemented" before judging the input of an operation we would not run anyway.
    if !Cognito::IMPLEMENTED.contains(&op) {
        return Err(ServiceError::not_implemented(op).into());
    }
    let value = parse(op, &bytes)?;
    cognate_model::dispatch(&state.service, ctx, op, value).await
}

/// The body of a request for `op`, parsed and checked against the model: malformed JSON is a
/// `SerializationException`, a value the model does not allow an `InvalidParameterException`
/// (or a `SerializationException` for a wrong JSON type). An empty body is an empty object.
pub fn parse(op: Operation, bytes: &[u8]) -> Result<serde_json::Value, ServiceError> {
    let mut value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        strict_json(bytes)
            .map_err(|e| ServiceError::new(ErrorCode::SerializationException, format!("Malformed JSON: {e}")))?
    };
    cognate_model::validate(op.input_shape(), &mut value).map_err(ServiceError::from)?;
    Ok(value)
}

/// JSON as `serde_json` reads it (nesting limited to 128 levels, UTF-8 checked, nothing after
/// the value), except that an object naming a member twice is refused: parsers disagree on
/// which of the two wins, and a request must mean one thing to every layer that reads it.
fn strict_json(bytes: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    use serde::de::DeserializeSeed as _;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = strict::Value.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

mod strict {
    use std::fmt;

    use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number};

    /// Builds a `serde_json::Value`, refusing duplicate object keys.
    pub struct Value;

    impl<'de> DeserializeSeed<'de> for Value {
        type Value = serde_json::Value;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Value {
        type Value = serde_json::Value;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(v.into())
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(v.into())
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(v.into())
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
        }

        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.into())
        }

        fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(v.into())
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(serde_json::Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(Value)? {
                items.push(item);
            }
            Ok(serde_json::Value::Array(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if members.contains_key(&key) {
                    return Err(A::Error::custom("an object names the same member twice"));
                }
                let value = map.next_value_seed(Value)?;
                members.insert(key, value);
            }
            Ok(serde_json::Value::Object(members))
        }
    }
}

/// The body, within the size limit and the time a client has to send it.
async fn read_body(body: Body, timeout: std::time::Duration) -> Result<Bytes, ServiceError> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(ServiceError::new(
            ErrorCode::InvalidParameterException,
            format!("Request body is too large or unreadable: the limit is {MAX_BODY_BYTES} bytes."),
        )),
        Err(_) => Err(ServiceError::new(
            ErrorCode::RequestTimeoutException,
            format!("The request body was not received within {} ms.", timeout.as_millis()),
        )),
    }
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
