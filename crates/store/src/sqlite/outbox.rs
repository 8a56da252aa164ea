//! The outbox on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{MessageFilter, OutboxStore, StoreResult};
use cognate_core::ports::OutboxMessage;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use super::{backend, SqliteStore};

const COLUMNS: &str = "id, pool_id, username, medium, destination, sender, subject, body, created_at, status, \
                       attempts, next_attempt_at, last_error";

fn message_row(r: &SqliteRow) -> OutboxMessage {
    OutboxMessage {
        id: r.get("id"),
        pool_id: r.get("pool_id"),
        username: r.get("username"),
        medium: r.get("medium"),
        destination: r.get("destination"),
        sender: r.get("sender"),
        subject: r.get("subject"),
        body: r.get("body"),
        created_at: r.get("created_at"),
        status: r.get("status"),
        attempts: r.get("attempts"),
        next_attempt_at: r.get("next_attempt_at"),
        last_error: r.get("last_error"),
    }
}

/// Adds a message; `seq` orders messages written in the same millisecond.
pub(crate) async fn insert(tx: &mut Transaction<'static, Sqlite>, m: &OutboxMessage) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO outbox (seq, {COLUMNS}) VALUES ((SELECT IFNULL(MAX(seq), 0) + 1 FROM outbox), \
         ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&m.id)
    .bind(&m.pool_id)
    .bind(&m.username)
    .bind(&m.medium)
    .bind(&m.destination)
    .bind(&m.sender)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.created_at)
    .bind(&m.status)
    .bind(m.attempts)
    .bind(m.next_attempt_at)
    .bind(&m.last_error)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn list_messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {COLUMNS} FROM outbox WHERE 1 = 1"));
        for (column, value) in [
            ("pool_id", &filter.pool_id),
            ("username", &filter.username),
            ("destination", &filter.destination),
            ("medium", &filter.medium),
        ] {
            if let Some(v) = value {
                q.push(format!(" AND {column} = ")).push_bind(v.clone());
            }
        }
        q.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await.map_err(backend)?;
        Ok(rows.iter().map(message_row).collect())
    }

    async fn clear_messages(&self) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM outbox").execute(&self.writer).await.map_err(backend)?;
        Ok(done.rows_affected())
    }

    async fn claim_messages(&self, now: i64, lease_until: i64, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let messages: Vec<OutboxMessage> = rows.iter().map(message_row).collect();
        for m in &messages {
            sqlx::query("UPDATE outbox SET next_attempt_at = ? WHERE id = ?")
                .bind(lease_until)
                .bind(&m.id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(messages)
    }

    async fn finish_message(
        &self,
        id: &str,
        status: &str,
        attempts: i32,
        next_attempt_at: i64,
        error: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
            .bind(status)
            .bind(attempts)
            .bind(next_attempt_at)
            .bind(error)
            .bind(id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
