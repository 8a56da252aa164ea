//! The service's error: a modelled AWS error, or an internal failure that is logged with its
//! cause and answered as `InternalErrorException`.

use std::borrow::Cow;

use cognate_model::{ErrorCode, ServiceError};

use crate::ports::store::StoreError;

/// What an operation returns when it fails.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A modelled error with the canonical message clients match on.
    #[error("{0}")]
    Service(ServiceError),
    /// Anything else; the cause chain goes to the log, never to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A modelled error.
    pub fn service(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Error::Service(ServiceError::new(code, message))
    }

    /// `InvalidParameterException` with the given text.
    pub fn invalid_parameter(message: impl Into<Cow<'static, str>>) -> Self {
        Self::service(ErrorCode::InvalidParameterException, message)
    }

    /// `ResourceNotFoundException` with the given text.
    pub fn resource_not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::service(ErrorCode::ResourceNotFoundException, message)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { constraint } => {
                Error::Internal(anyhow::anyhow!("unexpected conflict on {constraint}"))
            }
            StoreError::Backend(e) => Error::Internal(e),
        }
    }
}

/// Shorthand for operation results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
