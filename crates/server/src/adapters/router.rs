//! Sends each message over the channel configured for its medium (SMTP for email, the webhook
//! for SMS), and prints it on the console when there is none (development).

use std::sync::Arc;

use async_trait::async_trait;
use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::OutboxMessage;

use super::console::ConsoleSender;

/// The channels per medium.
pub struct ChannelRouter {
    /// Email, when configured.
    pub email: Option<Arc<dyn MessageSender>>,
    /// SMS, when configured.
    pub sms: Option<Arc<dyn MessageSender>>,
    /// Everything else.
    pub console: ConsoleSender,
}

#[async_trait]
impl MessageSender for ChannelRouter {
    async fn send(&self, m: &OutboxMessage) -> Result<(), DeliveryError> {
        let channel = match m.medium.as_str() {
            "EMAIL" => self.email.as_ref(),
            "SMS" => self.sms.as_ref(),
            _ => None,
        };
        match channel {
            Some(c) => c.send(m).await,
            None => self.console.send(m).await,
        }
    }
}
