//! The development sender: prints each message on standard output in one readable line.

use async_trait::async_trait;
use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::OutboxMessage;

/// Prints messages instead of sending them.
#[derive(Debug, Default)]
pub struct ConsoleSender;

#[async_trait]
impl MessageSender for ConsoleSender {
    async fn send(&self, m: &OutboxMessage) -> Result<(), DeliveryError> {
        let body = m.body.replace(['\r', '\n'], " ");
        match &m.subject {
            Some(subject) => println!(
                "cognate message: {} to {} (pool {}, user {}): [{}] {}",
                m.medium, m.destination, m.pool_id, m.username, subject, body
            ),
            None => println!(
                "cognate message: {} to {} (pool {}, user {}): {}",
                m.medium, m.destination, m.pool_id, m.username, body
            ),
        }
        Ok(())
    }
}
