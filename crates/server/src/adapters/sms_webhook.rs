//! SMS through an HTTP webhook: a JSON POST of the destination, the text and the pool and user,
//! signed with HMAC-SHA256 so the receiver can check it came from this server.
//!
//! Headers: `X-Cognate-Timestamp` (epoch seconds) and `X-Cognate-Signature: sha256=<hex>` over
//! `{timestamp}.{body}` with the configured secret.

use async_trait::async_trait;
use aws_lc_rs::hmac;
use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::OutboxMessage;

/// The webhook sender.
pub struct SmsWebhook {
    url: String,
    key: hmac::Key,
    client: reqwest::Client,
}

impl SmsWebhook {
    /// Posts to `url`, signing with `secret`.
    pub fn new(url: &str, secret: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
        Ok(Self { url: url.to_string(), key: hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()), client })
    }
}

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(key: &hmac::Key, timestamp: &str, body: &[u8]) -> String {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(timestamp.as_bytes());
    ctx.update(b".");
    ctx.update(body);
    let hex: String = ctx.sign().as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[async_trait]
impl MessageSender for SmsWebhook {
    async fn send(&self, m: &OutboxMessage) -> Result<(), DeliveryError> {
        let body = serde_json::json!({
            "messageId": m.id,
            "destination": m.destination,
            "message": m.body,
            "userPoolId": m.pool_id,
            "username": m.username,
        })
        .to_string();
        let timestamp = (m.created_at / 1000).to_string();
        let response = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("x-cognate-timestamp", &timestamp)
            .header("x-cognate-signature", signature(&self.key, &timestamp, body.as_bytes()))
            .body(body)
            .send()
            .await
            .map_err(|e| DeliveryError::Transient(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() || status.as_u16() == 429 {
            Err(DeliveryError::Transient(format!("webhook answered {status}")))
        } else {
            Err(DeliveryError::Permanent(format!("webhook answered {status}")))
        }
    }
}
