//! Lambda triggers: the port through which the service invokes a pool's functions.

use async_trait::async_trait;

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    /// The function ran and reported an error (`X-Amz-Function-Error`), with its message.
    #[error("the function failed: {0}")]
    Function(String),
    /// No answer in time, no connection, or no endpoint to call.
    #[error("the function could not be invoked: {0}")]
    Unreachable(String),
    /// An answer that is not the JSON the trigger expects.
    #[error("unrecognizable output: {0}")]
    BadResponse(String),
}

/// Invokes Lambda functions synchronously.
#[async_trait]
pub trait TriggerInvoker: Send + Sync {
    /// Invokes the function named by `function_arn` with `event`; returns what it returned.
    async fn invoke(&self, function_arn: &str, event: &serde_json::Value) -> Result<serde_json::Value, TriggerError>;
}

/// The invoker when no Lambda endpoint is configured: every invocation fails, so a pool with a
/// trigger never silently skips it.
#[derive(Debug, Default)]
pub struct NoTriggers;

#[async_trait]
impl TriggerInvoker for NoTriggers {
    async fn invoke(&self, function_arn: &str, _: &serde_json::Value) -> Result<serde_json::Value, TriggerError> {
        Err(TriggerError::Unreachable(format!(
            "no Lambda endpoint is configured to invoke {function_arn} (set triggers.lambda_endpoint)"
        )))
    }
}
