//! Where CPU-heavy work runs: the SRP big-number arithmetic (milliseconds per call) is kept off
//! the threads that serve requests, so a burst of sign-ins does not stall every other request.

use async_trait::async_trait;

/// Runs CPU-heavy jobs.
#[async_trait]
pub trait Compute: Send + Sync {
    /// Runs `job` to completion.
    async fn run(&self, job: Box<dyn FnOnce() + Send>);
}

/// Runs jobs in place (for tools and tests without a runtime of their own).
#[derive(Debug, Default, Clone, Copy)]
pub struct Inline;

#[async_trait]
impl Compute for Inline {
    async fn run(&self, job: Box<dyn FnOnce() + Send>) {
        job();
    }
}

/// Runs `f` on `compute` and returns its result.
pub async fn offload<T, F>(compute: &dyn Compute, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = slot.clone();
    compute
        .run(Box::new(move || {
            let value = f();
            if let Ok(mut out) = out.lock() {
                *out = Some(value);
            }
        }))
        .await;
    let value = slot.lock().ok()?.take();
    value
}
