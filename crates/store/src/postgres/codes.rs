//! Codes on PostgreSQL.

use async_trait::async_trait;
use cognate_core::ports::store::{CodeStore, EventLimit, PutCode, StoreResult};
use cognate_core::ports::{CodeRecord, OutboxMessage};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use super::{backend, outbox, retrying, PostgresStore};

fn code_row(r: &PgRow) -> CodeRecord {
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
pub(crate) async fn upsert(tx: &mut Transaction<'static, Postgres>, c: &CodeRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, failures, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET \
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

impl PostgresStore {
    async fn put_code_once(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        // Locking the user row keeps a concurrent deletion out until the code is written.
        if !super::users::lock_user(&mut tx, &code.pool_id, &code.username_key).await? {
            return Ok(false);
        }
        upsert(&mut tx, code).await?;
        if let Some(m) = message {
            outbox::insert(&mut tx, m).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn put_code_within_once(
        &self,
        code: &CodeRecord,
        message: &OutboxMessage,
        limit: &EventLimit,
    ) -> StoreResult<PutCode> {
        let mut tx = self.begin().await?;
        // The user's row lock keeps a deletion out and serialises the counting.
        if !super::users::lock_user(&mut tx, &code.pool_id, &code.username_key).await? {
            return Ok(PutCode::UserGone);
        }
        let (pool, user) = (code.pool_id.as_str(), code.username_key.as_str());
        if !super::users::record_event_in(&mut tx, pool, user, &limit.action, limit.at, limit.since, limit.max).await? {
            return Ok(PutCode::Limited);
        }
        upsert(&mut tx, code).await?;
        outbox::insert(&mut tx, message).await?;
        tx.commit().await.map_err(backend)?;
        Ok(PutCode::Stored)
    }
}

#[async_trait]
impl CodeStore for PostgresStore {
    async fn put_code(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool> {
        retrying(|| self.put_code_once(code, message)).await
    }

    async fn put_code_within(
        &self,
        code: &CodeRecord,
        message: &OutboxMessage,
        limit: &EventLimit,
    ) -> StoreResult<PutCode> {
        retrying(|| self.put_code_within_once(code, message, limit)).await
    }

    async fn get_code(&self, pool_id: &str, username_key: &str, purpose: &str) -> StoreResult<Option<CodeRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, username_key, purpose, code_hash, expires_at, failures, created_at FROM codes \
             WHERE pool_id = $1 AND username_key = $2 AND purpose = $3",
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
        let mut tx = self.begin().await?;
        // The UPDATE locks the row, so concurrent wrong guesses count one after the other.
        sqlx::query(
            "UPDATE codes SET failures = failures + 1 WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 \
             AND code_hash = $4",
        )
        .bind(&c.pool_id)
        .bind(&c.username_key)
        .bind(&c.purpose)
        .bind(&c.code_hash)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("DELETE FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 AND failures >= $4")
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
