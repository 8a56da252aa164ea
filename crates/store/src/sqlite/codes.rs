//! Codes on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{CodeStore, StoreResult};
use cognate_core::ports::{CodeRecord, OutboxMessage};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

use super::{backend, outbox, SqliteStore};

fn code_row(r: &SqliteRow) -> CodeRecord {
    CodeRecord {
        pool_id: r.get("pool_id"),
        username_key: r.get("username_key"),
        purpose: r.get("purpose"),
        code_hash: r.get("code_hash"),
        expires_at: r.get("expires_at"),
        failures: r.get("failures"),
        created_at: r.get("created_at"),
    }
}

/// Stores a code, replacing the user's code of the same purpose (the newest code wins).
pub(crate) async fn upsert(tx: &mut Transaction<'static, Sqlite>, c: &CodeRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, failures, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET \
         code_hash = excluded.code_hash, expires_at = excluded.expires_at, failures = excluded.failures, \
         created_at = excluded.created_at",
    )
    .bind(&c.pool_id)
    .bind(&c.username_key)
    .bind(&c.purpose)
    .bind(&c.code_hash)
    .bind(c.expires_at)
    .bind(c.failures)
    .bind(c.created_at)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl CodeStore for SqliteStore {
    async fn put_code(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM users WHERE pool_id = ? AND username_key = ?")
            .bind(&code.pool_id)
            .bind(&code.username_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if exists.is_none() {
            return Ok(false);
        }
        upsert(&mut tx, code).await?;
        if let Some(m) = message {
            outbox::insert(&mut tx, m).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn get_code(&self, pool_id: &str, username_key: &str, purpose: &str) -> StoreResult<Option<CodeRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, username_key, purpose, code_hash, expires_at, failures, created_at FROM codes \
             WHERE pool_id = ? AND username_key = ? AND purpose = ?",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(code_row))
    }

    async fn record_code_failure(&self, c: &CodeRecord, max_failures: i32) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE codes SET failures = failures + 1 WHERE pool_id = ? AND username_key = ? AND purpose = ? \
             AND code_hash = ?",
        )
        .bind(&c.pool_id)
        .bind(&c.username_key)
        .bind(&c.purpose)
        .bind(&c.code_hash)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("DELETE FROM codes WHERE pool_id = ? AND username_key = ? AND purpose = ? AND failures >= ?")
            .bind(&c.pool_id)
            .bind(&c.username_key)
            .bind(&c.purpose)
            .bind(max_failures)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
