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
        use std::io::Write;
        let body = m.body.replace(['\r', '\n'], " ");
        let subject = m.subject.as_ref().map(|s| format!("[{s}] ")).unwrap_or_default();
        // Written, not `println!`ed: a closed standard output is a failed delivery, not a panic.
        writeln!(
            std::io::stdout().lock(),
            "cognate message: {} to {} (pool {}, user {}): {subject}{body}",
            m.medium,
            m.destination,
            m.pool_id,
            m.username
        )
        .map_err(|e| DeliveryError::Transient(format!("writing to standard output: {e}")))
    }
}
