//! The Store port (`cognate_core::ports::Store`) on real databases: SQLite, the embedded
//! default, and PostgreSQL, for several instances sharing one database. Operations never know
//! which backend they run on.

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::sync::Arc;

use anyhow::bail;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use anyhow::Context;
use cognate_core::ports::Store;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// How a store is opened.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// The most connections the pool opens [default: 8 on SQLite, 16 on PostgreSQL].
    pub max_connections: Option<u32>,
    /// Power-loss-safe commits: SQLite `synchronous=FULL` (an fsync per group commit) instead of
    /// `NORMAL` (durable across a crash of the process, not of the machine). PostgreSQL commits
    /// follow the server's `synchronous_commit`.
    pub durable: bool,
}

/// The backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH`.
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

impl Backend {
    /// The backend of `url`, if it names one.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Writes a consistent copy of an SQLite database to `to` (a new file) while the server may be
/// running: `VACUUM INTO`. PostgreSQL databases are backed up with `pg_dump`.
pub async fn backup(url: &str, to: &std::path::Path) -> anyhow::Result<()> {
    match Backend::of(url) {
        #[cfg(feature = "sqlite")]
        Some(Backend::Sqlite) => {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            SqliteStore::backup(std::path::Path::new(path), to).await
        }
        Some(Backend::Postgres) => {
            bail!("back up a PostgreSQL database with pg_dump (see the README's operations notes)")
        }
        #[cfg(not(feature = "sqlite"))]
        Some(Backend::Sqlite) => bail!("this build of cognate has no Sqlite backend"),
        None => bail!("unsupported database URL: expected sqlite://PATH or postgres://…"),
    }
}

/// Opens the store a database URL names, applying its migrations: `sqlite://PATH` (created if
/// missing) or `postgres://USER:PASSWORD@HOST:PORT/DATABASE`.
pub async fn open(url: &str, options: &StoreOptions) -> anyhow::Result<Arc<dyn Store>> {
    match Backend::of(url) {
        #[cfg(feature = "sqlite")]
        Some(Backend::Sqlite) => {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let store = SqliteStore::open(std::path::Path::new(path), options)
                .await
                .with_context(|| format!("opening {url}"))?;
            Ok(Arc::new(store))
        }
        #[cfg(feature = "postgres")]
        Some(Backend::Postgres) => {
            // The URL may hold a password: name only the backend in errors.
            let store = PostgresStore::open(url, options).await.context("opening the PostgreSQL database")?;
            Ok(Arc::new(store))
        }
        #[cfg(not(all(feature = "sqlite", feature = "postgres")))]
        Some(backend) => bail!("this build of cognate has no {backend:?} backend"),
        None => bail!("unsupported database URL: expected sqlite://PATH or postgres://…"),
    }
}
