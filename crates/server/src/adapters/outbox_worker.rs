//! The outbox worker: claims due messages, hands them to the sender, records the outcome, and
//! retries transient failures with exponential backoff. Messages are claimed with a lease, so
//! several workers (or instances) never send the same message at once.

use std::sync::Arc;
use std::time::Duration;

use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::{Clock, Store};
use tokio::sync::watch;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_MILLIS: i64 = 60_000;
/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Runs until `stop` turns true.
pub async fn run(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sender: Arc<dyn MessageSender>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let delivered = match tick(store.as_ref(), clock.as_ref(), sender.as_ref()).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "outbox worker");
                0
            }
        };
        if delivered > 0 {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Delivers what is due now; returns how many messages were handled.
pub async fn tick(store: &dyn Store, clock: &dyn Clock, sender: &dyn MessageSender) -> anyhow::Result<usize> {
    let now = clock.now_millis();
    let batch = store.claim_messages(now, now + LEASE_MILLIS, 32).await?;
    for m in &batch {
        let attempts = m.attempts + 1;
        match sender.send(m).await {
            Ok(()) => store.finish_message(&m.id, "sent", attempts, now, None).await?,
            Err(DeliveryError::Transient(why)) if attempts < MAX_ATTEMPTS => {
                let backoff = 1_000i64 << attempts.min(16);
                tracing::warn!(id = %m.id, attempts, "delivery failed, will retry: {why}");
                store.finish_message(&m.id, "pending", attempts, now + backoff, Some(&why)).await?;
            }
            Err(e) => {
                tracing::error!(id = %m.id, attempts, "delivery failed for good: {e}");
                store.finish_message(&m.id, "failed", attempts, now, Some(&e.to_string())).await?;
            }
        }
    }
    Ok(batch.len())
}
