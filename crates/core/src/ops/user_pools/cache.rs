//! Parsed pools, kept in memory for a short while: every token check and sign-in reads its pool,
//! and parsing the stored document each time costs more than the rest of a point read. An
//! instance sees its own updates and deletions at once (they replace or drop the entry); changes
//! made by another instance are seen within [`POOL_CACHE_TTL`].

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use cognate_model::shapes::UserPoolType;

use crate::ports::PoolRecord;

/// How long a parsed pool is used before it is read again.
pub const POOL_CACHE_TTL: Duration = Duration::from_secs(1);

/// A pool as stored and parsed, shared between the requests that read it.
pub type SharedPool = (Arc<PoolRecord>, Arc<UserPoolType>);

/// The cache.
#[derive(Default)]
pub struct PoolCache {
    entries: RwLock<HashMap<String, (Instant, SharedPool)>>,
}

impl std::fmt::Debug for PoolCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoolCache")
    }
}

impl PoolCache {
    /// The pool, if read less than [`POOL_CACHE_TTL`] ago.
    pub fn get(&self, pool_id: &str) -> Option<SharedPool> {
        let entries = self.entries.read().ok()?;
        let (at, pool) = entries.get(pool_id)?;
        (at.elapsed() < POOL_CACHE_TTL).then(|| pool.clone())
    }

    /// Keeps a pool just read or written.
    pub fn put(&self, record: Arc<PoolRecord>, pool: Arc<UserPoolType>) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() > 10_000 {
                entries.retain(|_, (at, _)| at.elapsed() < POOL_CACHE_TTL);
            }
            entries.insert(record.id.clone(), (Instant::now(), (record, pool)));
        }
    }

    /// Forgets a pool (deleted).
    pub fn forget(&self, pool_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(pool_id);
        }
    }
}
