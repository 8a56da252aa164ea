//! Invokes Lambda functions through the AWS Lambda Invoke API over HTTP
//! (`POST {endpoint}/2015-03-31/functions/{name}/invocations`), so `sam local start-lambda`, a
//! local emulator or Lambda itself can serve a pool's triggers. Only the configured endpoint is
//! ever called.

use std::time::Duration;

use async_trait::async_trait;
use cognate_core::ports::triggers::{TriggerError, TriggerInvoker};

/// A Lambda Invoke API endpoint.
#[derive(Debug, Clone)]
pub struct LambdaHttp {
    endpoint: String,
    client: reqwest::Client,
}

impl LambdaHttp {
    /// Calls `endpoint` with a timeout per invocation.
    pub fn new(endpoint: &str, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { endpoint: endpoint.trim_end_matches('/').to_string(), client })
    }
}

/// The function name (and qualifier) of a function ARN, or the name itself.
pub fn function_name(arn: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name] => Some((name.to_string(), None)),
        ["arn", _, "lambda", _, _, "function", name, qualifier] => {
            Some((name.to_string(), Some(qualifier.to_string())))
        }
        [name] if !name.is_empty() => Some((name.to_string(), None)),
        _ => None,
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[async_trait]
impl TriggerInvoker for LambdaHttp {
    async fn invoke(&self, arn: &str, event: &serde_json::Value) -> Result<serde_json::Value, TriggerError> {
        let (name, qualifier) =
            function_name(arn).ok_or_else(|| TriggerError::Unreachable(format!("not a Lambda function ARN: {arn}")))?;
        let mut url = format!("{}/2015-03-31/functions/{}/invocations", self.endpoint, encode(&name));
        if let Some(q) = qualifier {
            url.push_str(&format!("?Qualifier={}", encode(&q)));
        }
        let response = self
            .client
            .post(&url)
            .header("X-Amz-Invocation-Type", "RequestResponse")
            .json(event)
            .send()
            .await
            .map_err(|e| TriggerError::Unreachable(e.to_string()))?;
        let status = response.status();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let body = response.bytes().await.map_err(|e| TriggerError::Unreachable(e.to_string()))?;
        if function_error {
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("errorMessage").and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
            return Err(TriggerError::Function(message));
        }
        if !status.is_success() {
            return Err(TriggerError::Unreachable(format!("{url} answered {status}")));
        }
        serde_json::from_slice(&body).map_err(|e| TriggerError::BadResponse(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn function_names_come_from_arns() {
        assert_eq!(
            super::function_name("arn:aws:lambda:us-east-1:123456789012:function:custom-message"),
            Some(("custom-message".into(), None))
        );
        assert_eq!(
            super::function_name("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            Some(("f".into(), Some("live".into())))
        );
        assert_eq!(super::function_name("plain-name"), Some(("plain-name".into(), None)));
        assert_eq!(super::function_name("arn:aws:s3:::bucket"), None);
    }
}
