//! Parsed signing keys per pool, kept in memory. Keys never change once stored (rotation only
//! adds), so caching them is safe across instances; a kid the cache does not know makes it
//! reload from the store, and every entry is reloaded after `REFRESH_MILLIS`, so that a key
//! added by `cognate keys rotate` signs on every instance within that time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{new_kid, SigningKey};

/// A pool's keys, oldest first: the newest signs, all verify.
pub type PoolKeys = Arc<Vec<SigningKey>>;

/// How long a pool's keys are used before they are read again.
pub const REFRESH_MILLIS: i64 = 60_000;

/// The in-memory cache.
#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<String, (PoolKeys, i64)>>,
}

impl KeyCache {
    /// The cached keys of a pool, unless they were loaded more than `REFRESH_MILLIS` before `now`.
    pub fn get(&self, pool_id: &str, now: i64) -> Option<PoolKeys> {
        let m = self.pools.read().ok()?;
        let (keys, loaded_at) = m.get(pool_id)?;
        (now.saturating_sub(*loaded_at) < REFRESH_MILLIS && *loaded_at <= now).then(|| keys.clone())
    }

    /// Caches a pool's keys, loaded at `now`.
    pub fn put(&self, pool_id: &str, keys: PoolKeys, now: i64) {
        if let Ok(mut m) = self.pools.write() {
            m.insert(pool_id.to_string(), (keys, now));
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
