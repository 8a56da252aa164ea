//! The outbox on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{Attempt, MessageFilter, OutboxStore, StoreResult};
use cognate_core::ports::OutboxMessage;
use rusqlite::{params, params_from_iter, Connection, Row};

use super::{backend, SqliteStore};

const COLUMNS: &str = "id, pool_id, username, medium, destination, sender, subject, body, created_at, status, \
                       attempts, next_attempt_at, last_error";

fn message_row(r: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    message_at(r, 0)
}

/// The columns of `COLUMNS` read from position `at` on (in that order).
fn message_at(r: &Row<'_>, at: usize) -> rusqlite::Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: r.get(at)?,
        pool_id: r.get(at + 1)?,
        username: r.get(at + 2)?,
        medium: r.get(at + 3)?,
        destination: r.get(at + 4)?,
        sender: r.get(at + 5)?,
        subject: r.get(at + 6)?,
        body: r.get(at + 7)?,
        created_at: r.get(at + 8)?,
        status: r.get(at + 9)?,
        attempts: r.get(at + 10)?,
        next_attempt_at: r.get(at + 11)?,
        last_error: r.get(at + 12)?,
    })
}

/// Adds a message at the end of the outbox (`seq`, the rowid, orders messages as written).
pub(crate) fn insert(c: &Connection, m: &OutboxMessage) -> StoreResult<()> {
    c.prepare_cached(&format!(
        "INSERT INTO outbox ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))
    .and_then(|mut s| {
        s.execute(params![
            m.id,
            m.pool_id,
            m.username,
            m.medium,
            m.destination,
            m.sender,
            m.subject,
            m.body,
            m.created_at,
            m.status,
            m.attempts,
            m.next_attempt_at,
            m.last_error
        ])
    })
    .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn list_messages(&self, filter: &MessageFilter, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        let filter = filter.clone();
        self.scan(move |c| {
            let mut sql = format!("SELECT {COLUMNS} FROM outbox WHERE 1 = 1");
            let mut values: Vec<String> = Vec::new();
            for (column, value) in [
                ("pool_id", &filter.pool_id),
                ("username", &filter.username),
                ("destination", &filter.destination),
                ("medium", &filter.medium),
            ] {
                if let Some(v) = value {
                    values.push(v.clone());
                    sql.push_str(&format!(" AND {column} = ?{}", values.len()));
                }
            }
            sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
            c.prepare(&sql)?.query_map(params_from_iter(values), message_row)?.collect()
        })
        .await
    }

    async fn clear_messages(&self) -> StoreResult<u64> {
        self.write_kept(|c| {
            let n = c.execute("DELETE FROM outbox", []).map_err(backend)?;
            Ok(n as u64)
        })
        .await
    }

    async fn claim_messages(&self, now: i64, lease_until: i64, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        self.write_kept(move |c| {
            // One statement under the single writer: due messages leased and returned, those
            // due first first (the order of the index of pending messages).
            let mut rows: Vec<(i64, OutboxMessage)> = c
                .prepare_cached(&format!(
                    "UPDATE outbox SET next_attempt_at = ?1 WHERE seq IN (\
                     SELECT seq FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?2 ORDER BY next_attempt_at, seq LIMIT ?3) \
                     RETURNING seq, {COLUMNS}"
                ))
                .and_then(|mut s| {
                    s.query_map(params![lease_until, now, limit], |r| Ok((r.get(0)?, message_at(r, 1)?)))?.collect()
                })
                .map_err(backend)?;
            rows.sort_by_key(|(seq, _)| *seq);
            Ok(rows.into_iter().map(|(_, m)| m).collect())
        })
        .await
    }

    async fn finish_messages(&self, outcomes: &[Attempt]) -> StoreResult<()> {
        let outcomes = outcomes.to_vec();
        self.write_kept(move |c| {
            for a in &outcomes {
                c.prepare_cached(
                    "UPDATE outbox SET status = ?1, attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?5",
                )
                .and_then(|mut s| s.execute(params![a.status, a.attempts, a.next_attempt_at, a.error, a.id]))
                .map_err(backend)?;
            }
            Ok(())
        })
        .await
    }
}
