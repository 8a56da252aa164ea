//! The protocol layer's fuzz entry point, shared by the cargo-fuzz target (`fuzz/`) and the test
//! that replays the kept corpus. It takes arbitrary bytes as a request's headers and body, runs
//! them through what the server does before an operation runs (routing on `X-Amz-Target` and the
//! content type, SigV4 authorisation, JSON parsing, model validation, decoding into the input
//! shape) and encodes any error as the server would. It panics only when an invariant breaks:
//! every refusal is an AWS-shaped answer with a sensible status, and whatever passes validation
//! decodes into the operation's input.
//!
//! Input: byte 0 picks the operation, byte 1 holds flags, byte 2 is the length of a header
//! value taken from what follows, and the rest is the body.

// A fuzz entry point reports a broken invariant by panicking: that is what the fuzzer looks for.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::future::Future as _;
use std::pin::pin;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use cognate_model::{ErrorCode, Operation, RequestContext, ServiceError};

use super::sigv4::{SigV4Mode, SignedRequest, Verifier};
use super::{errors, parse, route, TARGET_PREFIX};
use crate::config::Secret;

static SIGV4: LazyLock<SigV4Mode> = LazyLock::new(|| {
    SigV4Mode::Verify(Verifier::new("us-east-1", &[("AKIDFUZZ".to_owned(), Secret("fuzz-secret".to_owned()))]))
});

/// A service that implements nothing: dispatching to it decodes the input, then answers
/// `UnsupportedOperationException`.
struct DecodeOnly;

impl cognate_model::CognitoIdp for DecodeOnly {
    type Error = ServiceError;
}

/// What became of one input.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Refused with this error (already checked to encode as an AWS-shaped answer).
    Refused(ErrorCode),
    /// Valid input for this operation.
    Accepted(Operation),
}

/// Runs one input; panics if the protocol layer breaks a promise.
pub fn protocol(data: &[u8]) -> Outcome {
    let [selector, flags, len, rest @ ..] = data else { return Outcome::Refused(ErrorCode::SerializationException) };
    let (value, body) = rest.split_at(usize::from(*len).min(rest.len()));
    let op = Operation::ALL[usize::from(*selector) % Operation::ALL.len()];
    let mut headers = HeaderMap::new();
    let raw = HeaderValue::from_bytes(value).ok();
    match flags & 3 {
        0 => {}
        1 => drop(headers.insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"))),
        2 => drop(headers.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"))),
        _ => {
            if let Some(v) = raw.clone() {
                headers.insert("content-type", v);
            }
        }
    }
    let target = match (flags & 4 != 0, raw.clone()) {
        (true, Some(v)) => Some(v),
        _ if flags & 8 != 0 => None,
        _ => HeaderValue::from_str(&format!("{TARGET_PREFIX}{}", op.name())).ok(),
    };
    if let Some(t) = target {
        headers.insert("x-amz-target", t);
    }
    if flags & 16 != 0 {
        if let Some(v) = raw {
            headers.insert("authorization", v);
            headers.insert("x-amz-date", HeaderValue::from_static("20261127T000000Z"));
        }
    }

    let routed = match route(&headers) {
        Ok(routed) => routed,
        Err(e) => return refused(&e, &[ErrorCode::SerializationException, ErrorCode::UnknownOperationException]),
    };
    let (method, uri) = (Method::POST, Uri::from_static("/"));
    let request = SignedRequest { method: &method, uri: &uri, headers: &headers, body };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_737_600); // 2026-11-27T00:00:00Z
    if let Err(e) = SIGV4.authorize(routed, &request, now) {
        assert!(routed.requires_sigv4(), "{} needs no signature, yet was refused: {e}", routed.name());
        return refused(
            &e,
            &[
                ErrorCode::MissingAuthenticationTokenException,
                ErrorCode::UnrecognizedClientException,
                ErrorCode::InvalidSignatureException,
                ErrorCode::IncompleteSignatureException,
            ],
        );
    }
    let value = match parse(routed, body) {
        Ok(value) => value,
        Err(e) => return refused(&e, &[ErrorCode::SerializationException, ErrorCode::InvalidParameterException]),
    };
    assert!(value.is_object(), "validated input is not an object: {value}");
    let ctx = RequestContext { request_id: "fuzz".to_owned(), source_ip: None };
    let decoded = pin!(cognate_model::dispatch(&DecodeOnly, &ctx, routed, value.clone()));
    match decoded.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Err(e)) if e.code == ErrorCode::UnsupportedOperationException => Outcome::Accepted(routed),
        other => panic!("validated input for {} did not decode: {other:?}\ninput: {value}", routed.name()),
    }
}

/// Checks that `e` is one of `allowed` and encodes as an AWS-shaped answer.
fn refused(e: &ServiceError, allowed: &[ErrorCode]) -> Outcome {
    assert!(allowed.contains(&e.code), "unexpected error {e}");
    let response = errors::service_error("fuzz", e);
    let status = response.status().as_u16();
    assert!(matches!(status, 400 | 403 | 408), "status {status} for {e}");
    let code = format!("{}:", e.code.as_str());
    assert_eq!(response.headers().get("x-amzn-errortype").map(|v| v.as_bytes()), Some(code.as_bytes()));
    assert_eq!(response.headers().get("content-type").map(|v| v.as_bytes()), Some(super::JSON_CONTENT_TYPE.as_bytes()));
    let bytes = match pin!(axum::body::to_bytes(response.into_body(), usize::MAX))
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(bytes)) => bytes,
        other => panic!("error body not readable at once: {other:?}"),
    };
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("an error body is JSON");
    assert_eq!(body["__type"], e.code.as_str());
    assert!(body["message"].is_string(), "no message in {body}");
    Outcome::Refused(e.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(op: Operation, flags: u8, header: &[u8], body: &[u8]) -> Vec<u8> {
        let index = Operation::ALL.iter().position(|o| *o == op).unwrap();
        let mut data = vec![u8::try_from(index).unwrap(), flags, u8::try_from(header.len()).unwrap()];
        data.extend_from_slice(header);
        data.extend_from_slice(body);
        data
    }

    #[test]
    fn each_stage_refuses_what_it_should() {
        let ok = br#"{"AccessToken":"abc","AttributeName":"email"}"#;
        let op = Operation::GetUserAttributeVerificationCode;
        assert_eq!(protocol(&input(op, 1, b"", ok)), Outcome::Accepted(op));
        assert_eq!(protocol(&input(op, 1, b"", b"{")), Outcome::Refused(ErrorCode::SerializationException));
        assert_eq!(
            protocol(&input(op, 1, b"", br#"{"AccessToken":"a","AccessToken":"b","AttributeName":"email"}"#)),
            Outcome::Refused(ErrorCode::SerializationException)
        );
        assert_eq!(protocol(&input(op, 1, b"", b"{}")), Outcome::Refused(ErrorCode::InvalidParameterException));
        assert_eq!(protocol(&input(op, 3, b"text/plain", ok)), Outcome::Refused(ErrorCode::SerializationException));
        assert_eq!(protocol(&input(op, 8, b"", ok)), Outcome::Refused(ErrorCode::UnknownOperationException));
        let admin = Operation::AdminGetUser;
        let body = br#"{"UserPoolId":"us-east-1_abc","Username":"u"}"#;
        assert_eq!(
            protocol(&input(admin, 1, b"", body)),
            Outcome::Refused(ErrorCode::MissingAuthenticationTokenException)
        );
        assert_eq!(
            protocol(&input(admin, 17, b"AWS4-HMAC-SHA256 Credential=x", body)),
            Outcome::Refused(ErrorCode::IncompleteSignatureException)
        );
    }
}
