//! CPU-heavy work on tokio's blocking pool, away from the threads that serve requests.

use async_trait::async_trait;
use cognate_core::ports::compute::Compute;

/// Runs jobs with `spawn_blocking`.
#[derive(Debug, Default, Clone, Copy)]
pub struct BlockingPool;

#[async_trait]
impl Compute for BlockingPool {
    async fn run(&self, job: Box<dyn FnOnce() + Send>) {
        if let Err(e) = tokio::task::spawn_blocking(job).await {
            tracing::error!(error = %e, "a compute job failed");
        }
    }
}
