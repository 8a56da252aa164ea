//! The outbox on PostgreSQL: workers on every instance claim messages with FOR UPDATE SKIP
//! LOCKED, so each is taken by one worker at a time.

use async_trait::async_trait;
use cognate_core::ports::store::{Attempt, MessageFilter, OutboxStore, StoreResult};
use cognate_core::ports::OutboxMessage;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row, Transaction};

use super::{backend, PostgresStore};

const COLUMNS: &str = "id, pool_id, username, medium, destination, sender, subject, body, created_at, status, \
                       attempts, next_attempt_at, last_error";

fn message_row(r: &PgRow) -> OutboxMessage {
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

/// Adds a message; the identity column `seq` orders messages.
pub(crate) async fn insert(tx: &mut Transaction<'static, Postgres>, m: &OutboxMessage) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
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
impl OutboxStore for PostgresStore {
    async fn list_messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!("SELECT {COLUMNS} FROM outbox WHERE TRUE"));
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
        let done = sqlx::query("DELETE FROM outbox").execute(&self.pool).await.map_err(backend)?;
        Ok(done.rows_affected())
    }

    async fn claim_messages(&self, now: i64, lease_until: i64, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        // One statement: pick due messages no other worker holds, lease them, return them.
        let mut rows = sqlx::query(&format!(
            "UPDATE outbox SET next_attempt_at = $1 WHERE id IN (\
             SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
             ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING seq, {COLUMNS}"
        ))
        .bind(lease_until)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.sort_by_key(|r| r.get::<i64, _>("seq"));
        Ok(rows.iter().map(message_row).collect())
    }

    async fn finish_messages(&self, outcomes: &[Attempt]) -> StoreResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        // One statement for the whole batch.
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
            "UPDATE outbox AS o SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at, \
             last_error = v.last_error FROM (",
        );
        q.push_values(outcomes, |mut row, a| {
            row.push_bind(a.id.clone())
                .push_bind(a.status.clone())
                .push_bind(a.attempts)
                .push_bind(a.next_attempt_at)
                .push_bind(a.error.clone());
        });
        q.push(") AS v (id, status, attempts, next_attempt_at, last_error) WHERE o.id = v.id");
        q.build().execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }
}
