//! The Cognito user pools wire layer: shapes, operations, validation and error codes, generated
//! from botocore's `cognito-idp` 2016-04-18 model (see `xtask/`), plus the small hand-written
//! runtime they stand on. Knows nothing about HTTP or storage.

pub mod generated;
pub mod runtime;

pub use generated::errors::ErrorCode;
pub use generated::operations::{dispatch, CognitoIdp, Operation};
pub use generated::shapes;
pub use runtime::validate::{validate, Rejection};
pub use runtime::{RequestContext, ServiceError, ShapeId};
