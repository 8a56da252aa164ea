//! Parsed signing keys per pool, kept in memory. Keys never change once stored (rotation only
//! adds), so caching them is safe across instances; a kid the cache does not know makes it
//! reload from the store.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{new_kid, SigningKey};

/// A pool's keys, oldest first: the newest signs, all verify.
pub type PoolKeys = Arc<Vec<SigningKey>>;

/// The in-memory cache.
#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<String, PoolKeys>>,
}

impl KeyCache {
    /// The cached keys of a pool.
    pub fn get(&self, pool_id: &str) -> Option<PoolKeys> {
        self.pools.read().ok().and_then(|m| m.get(pool_id).cloned())
    }

    /// Caches a pool's keys.
    pub fn put(&self, pool_id: &str, keys: PoolKeys) {
        if let Ok(mut m) = self.pools.write() {
            m.insert(pool_id.to_string(), keys);
        }
    }

    /// Forgets a pool (it was deleted).
    pub fn forget(&self, pool_id: &str) {
        if let Ok(mut m) = self.pools.write() {
            m.remove(pool_id);
        }
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache")
    }
}

/// A new kid from 32 random bytes of `rng`.
pub fn random_kid(rng: &dyn crate::ports::Rng) -> String {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    new_kid(&b)
}
