//! Invokes Lambda functions through the AWS Lambda Invoke API over HTTP
//! (`POST {endpoint}/2015-03-31/functions/{name}/invocations`), so `sam local start-lambda`, a
//! local emulator or Lambda itself can serve a pool's triggers. Only the configured endpoint is
//! ever called. With credentials configured, requests are signed with SigV4 (service `lambda`),
//! as AWS Lambda requires.

use std::time::Duration;

use async_trait::async_trait;
use cognate_core::ports::triggers::{TriggerError, TriggerInvoker};

/// AWS credentials to sign invocations with.
#[derive(Clone)]
pub struct Signing {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// The region the function lives in.
    pub region: String,
}

/// A Lambda Invoke API endpoint.
#[derive(Clone)]
pub struct LambdaHttp {
    endpoint: String,
    client: reqwest::Client,
    signing: Option<Signing>,
}

impl LambdaHttp {
    /// Calls `endpoint` with a timeout per invocation, signing requests when `signing` is given.
    pub fn new(endpoint: &str, timeout: Duration, signing: Option<Signing>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { endpoint: endpoint.trim_end_matches('/').to_string(), client, signing })
    }
}

/// The SigV4 headers for a POST of `body` to `url`.
fn sigv4_headers(
    s: &Signing,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Vec<(String, String)>, String> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;
    let identity = aws_credential_types::Credentials::new(
        s.access_key_id.clone(),
        s.secret_access_key.clone(),
        None,
        None,
        "cognate configuration",
    )
    .into();
    // The signature must carry the real time: AWS refuses requests more than minutes off.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&s.region)
        .name("lambda")
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new("POST", url, headers.iter().copied(), SignableBody::Bytes(body))
        .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(request, &params).map_err(|e| e.to_string())?.into_parts();
    Ok(instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect())
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
        let body = serde_json::to_vec(event).map_err(|e| TriggerError::Unreachable(e.to_string()))?;
        let base = [("content-type", "application/json"), ("x-amz-invocation-type", "RequestResponse")];
        let mut request = self.client.post(&url);
        for (k, v) in base {
            request = request.header(k, v);
        }
        if let Some(s) = &self.signing {
            for (k, v) in sigv4_headers(s, &url, &base, &body).map_err(TriggerError::Unreachable)? {
                request = request.header(k, v);
            }
        }
        let response = request.body(body).send().await.map_err(|e| TriggerError::Unreachable(e.to_string()))?;
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
