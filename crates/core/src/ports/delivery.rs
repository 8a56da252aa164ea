//! Delivery of outbox messages: the port the worker hands each message to.

use async_trait::async_trait;

use super::OutboxMessage;

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (connection refused, timeout, 5xx).
    #[error("transient: {0}")]
    Transient(String),
    /// Retrying will not help (bad address, rejected).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Sends messages (console, SMTP, SMS webhook, …).
#[async_trait]
pub trait MessageSender: Send + Sync {
    /// Delivers one message.
    async fn send(&self, message: &OutboxMessage) -> Result<(), DeliveryError>;
}
