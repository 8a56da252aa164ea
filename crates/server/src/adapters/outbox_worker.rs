//! The outbox worker: claims due messages, hands them to the sender, records the outcome, and
//! retries transient failures with exponential backoff. Messages are claimed with a lease, so
//! several workers (or instances) never send the same message at once.

use std::sync::Arc;
use std::time::Duration;

use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::store::Attempt;
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

/// How long a delivered message may wait for its outcome to be recorded with others.
const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// Delivers what is due now; returns how many messages were handled. Outcomes are recorded
/// together (one write for many messages), at the latest [`FLUSH_AFTER`] after the first.
pub async fn tick(store: &dyn Store, clock: &dyn Clock, sender: &dyn MessageSender) -> anyhow::Result<usize> {
    let now = clock.now_millis();
    let batch = store.claim_messages(now, now + LEASE_MILLIS, 32).await?;
    let mut outcomes: Vec<Attempt> = Vec::new();
    let mut oldest = std::time::Instant::now();
    for m in &batch {
        let attempts = m.attempts + 1;
        let attempt = |status: &str, next_attempt_at: i64, error: Option<String>| Attempt {
            id: m.id.clone(),
            status: status.into(),
            attempts,
            next_attempt_at,
            error,
        };
        if outcomes.is_empty() {
            oldest = std::time::Instant::now();
        }
        outcomes.push(match sender.send(m).await {
            Ok(()) => attempt("sent", now, None),
            Err(DeliveryError::Transient(why)) if attempts < MAX_ATTEMPTS => {
                let backoff = 1_000i64 << attempts.min(16);
                tracing::warn!(id = %m.id, attempts, "delivery failed, will retry: {why}");
                attempt("pending", now + backoff, Some(why))
            }
            Err(e) => {
                tracing::error!(id = %m.id, attempts, "delivery failed for good: {e}");
                attempt("failed", now, Some(e.to_string()))
            }
        });
        if oldest.elapsed() >= FLUSH_AFTER {
            store.finish_messages(&outcomes).await?;
            outcomes.clear();
        }
    }
    store.finish_messages(&outcomes).await?;
    Ok(batch.len())
}
