//! The SQLite backend: one database file in WAL mode, foreign keys on, migrations embedded and
//! applied at open. Reads go through a pool of connections (WAL readers never block the writer);
//! every write goes through one writer connection, so writers queue in the process instead of
//! polling SQLite's lock, and write transactions begin IMMEDIATE, so a read-then-write never
//! fails half-way on a lock upgrade. The busy timeout covers other processes sharing the file. Several processes may share the file (one machine).

mod codes;
mod groups;
mod outbox;
mod pools;
mod tokens;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult};
use cognate_core::ports::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

/// The store on one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Readers.
    pub(crate) pool: SqlitePool,
    /// The one writer.
    pub(crate) writer: SqlitePool,
}

/// A backend failure.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(anyhow::Error::new(e))
}

/// Whether an error is a uniqueness violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies the migrations.
    pub async fn open(path: &Path, options: &crate::StoreOptions) -> anyhow::Result<Self> {
        let connect = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(8))
            .connect_with(connect.clone())
            .await
            .context("connecting")?;
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(connect).await.context("connecting")?;
        // Processes opening the same file take turns to migrate: SQLite has no advisory lock, so
        // an exclusive lock on a file beside the database stands in for one.
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
            file.lock()?;
            Ok(file)
        })
        .await
        .context("waiting for the migration lock")?
        .context("taking the migration lock")?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await.context("applying migrations")?;
        drop(lock);
        Ok(Self { pool, writer })
    }

    /// Copies the database at `path` into the new file `to`, consistently, while other
    /// connections go on reading and writing.
    pub async fn backup(path: &Path, to: &Path) -> anyhow::Result<()> {
        if to.exists() {
            anyhow::bail!("{} exists already: a backup is written to a new file", to.display());
        }
        if !path.exists() {
            anyhow::bail!("there is no database at {}", path.display());
        }
        let connect = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(connect).await.context("connecting")?;
        let target = to.to_str().context("the backup path is not UTF-8")?;
        sqlx::query("VACUUM INTO ?").bind(target).execute(&pool).await.context("writing the backup")?;
        pool.close().await;
        Ok(())
    }

    /// Begins a write transaction holding the write lock.
    pub(crate) async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn health(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }

    async fn close(&self) {
        // Checkpoint the WAL so the database file alone is complete, then close.
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.writer).await;
        self.writer.close().await;
        self.pool.close().await;
    }

    async fn server_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        let row = sqlx::query("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.get("value"))
    }
}
