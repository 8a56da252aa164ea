//! The PostgreSQL backend, for several instances sharing one database. Transactions run at READ
//! COMMITTED and take the row locks their invariants need (the user row for per-user counters,
//! the pool row for its first signing key); a serialization failure or deadlock is retried.
//! Migrations are embedded and applied at open under an advisory lock, so when several instances
//! start at once one migrates and the others wait.

mod codes;
mod groups;
mod outbox;
mod pools;
mod tokens;
mod users;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult};
use cognate_core::ports::Store;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Row, Transaction};

use crate::StoreOptions;

/// The store on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

/// A backend failure.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(anyhow::Error::new(e))
}

/// The unique constraint an error violated, if that is what it is.
pub(crate) fn violated_constraint(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Some(d.constraint().unwrap_or_default().to_string()),
        _ => None,
    }
}

/// Whether running the transaction again may succeed: a serialization failure or a deadlock.
fn is_retryable(e: &StoreError) -> bool {
    let StoreError::Backend(e) = e else { return false };
    matches!(
        e.downcast_ref::<sqlx::Error>(),
        Some(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("40001" | "40P01"))
    )
}

/// How many times a unit of work is tried before its failure is reported.
const ATTEMPTS: u32 = 5;

/// Runs a unit of work, again when PostgreSQL asks for it (each attempt is a new transaction).
pub(crate) async fn retrying<T, F, Fut>(mut work: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 1;
    loop {
        match work().await {
            Err(e) if attempt < ATTEMPTS && is_retryable(&e) => {
                tracing::debug!(attempt, "retrying a transaction after a serialization failure");
                attempt += 1;
            }
            result => return result,
        }
    }
}

impl PostgresStore {
    /// Connects to the database at `url` and applies the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> anyhow::Result<Self> {
        let connect = PgConnectOptions::from_str(url).context("parsing the database URL")?.application_name("cognate");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(16))
            // Fail fast when the database is unreachable rather than queue requests for long.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(connect)
            .await
            .context("connecting")?;
        // The migrator holds a PostgreSQL advisory lock while it works.
        sqlx::migrate!("./migrations/postgres").run(&pool).await.context("applying migrations")?;
        Ok(Self { pool })
    }

    /// Begins a transaction.
    pub(crate) async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(backend)
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn health(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn server_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        let row = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.get("value"))
    }
}
