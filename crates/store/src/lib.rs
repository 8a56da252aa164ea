//! The Store port (`cognate_core::ports::Store`) on real databases. SQLite is the embedded
//! default; the PostgreSQL backend arrives with multi-instance support. Operations never know
//! which backend they run on.

mod sqlite;

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use cognate_core::ports::Store;

pub use sqlite::SqliteStore;

/// Opens the store a database URL names: `sqlite://PATH` (created if missing).
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let store = SqliteStore::open(Path::new(path)).await.with_context(|| format!("opening {url}"))?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!("the PostgreSQL backend is not available in this version; use sqlite://PATH");
    }
    bail!("unsupported database URL {url:?}: expected sqlite://PATH")
}
