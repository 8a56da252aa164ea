//! The hand-written runtime under the generated code: request context, service errors,
//! (de)serialization helpers and the validator.

pub mod schema;
pub mod validate;

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{ErrorCode, Operation};

/// Index of a shape in `generated::schema::SHAPES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeId(pub u16);

/// What the protocol layer knows about a request, handed to every operation.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The `x-amzn-RequestId` of this request.
    pub request_id: String,
    /// The caller's address, when known.
    pub source_ip: Option<String>,
}

/// A modelled error: the code and the canonical message clients match on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The error code (`__type`).
    pub code: ErrorCode,
    /// The message (`message`).
    pub message: Cow<'static, str>,
}

impl ServiceError {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, message: message.into() }
    }

    /// The answer of every operation that is not implemented yet.
    pub fn not_implemented(op: Operation) -> Self {
        Self::new(ErrorCode::UnsupportedOperationException, format!("{} is not implemented by cognate yet.", op.name()))
    }

    /// The HTTP status the service uses for this error.
    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ServiceError {}

impl ErrorCode {
    /// HTTP status: 400 for every client error, 500 for `InternalErrorException`, 403 for
    /// `ForbiddenException`, 408 for a body that did not arrive in time (the model carries no
    /// status codes; these are the service's).
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InternalErrorException => 500,
            ErrorCode::ForbiddenException => 403,
            ErrorCode::RequestTimeoutException => 408,
            _ => 400,
        }
    }
}

/// Decodes a validated body into an input shape.
pub fn decode<T: DeserializeOwned>(body: serde_json::Value) -> Result<T, ServiceError> {
    // Validation has already checked every member's JSON type, so this fails only if the
    // generated types and descriptors disagree; answer as a serialization problem regardless.
    serde_json::from_value(body)
        .map_err(|e| ServiceError::new(ErrorCode::SerializationException, format!("Unexpected field type: {e}")))
}

/// Encodes an output shape as a response body.
pub fn encode<T: Serialize>(output: &T) -> Result<Vec<u8>, ServiceError> {
    serde_json::to_vec(output)
        .map_err(|_| ServiceError::new(ErrorCode::InternalErrorException, "Internal server error."))
}
