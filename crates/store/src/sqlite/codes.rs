//! Codes on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{CodeStore, EventLimit, PutCode, StoreResult};
use cognate_core::ports::{CodeRecord, OutboxMessage};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::users::{record_event_in, Recorded};
use super::{backend, outbox, SqliteStore, Unit};

fn code_row(r: &Row<'_>) -> rusqlite::Result<CodeRecord> {
    Ok(CodeRecord {
        pool_id: r.get("pool_id")?,
        username_key: r.get("username_key")?,
        purpose: r.get("purpose")?,
        code_hash: r.get("code_hash")?,
        expires_at: r.get("expires_at")?,
        failures: r.get("failures")?,
        created_at: r.get("created_at")?,
    })
}

/// Stores a code, replacing the user's code of the same purpose (the newest code wins).
pub(crate) fn upsert(c: &Connection, code: &CodeRecord) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, failures, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET \
         code_hash = excluded.code_hash, expires_at = excluded.expires_at, failures = excluded.failures, \
         created_at = excluded.created_at",
    )
    .and_then(|mut s| {
        s.execute(params![
            code.pool_id,
            code.username_key,
            code.purpose,
            code.code_hash,
            code.expires_at,
            code.failures,
            code.created_at
        ])
    })
    .map_err(backend)?;
    Ok(())
}

/// Whether the user exists.
pub(crate) fn user_exists(c: &Connection, pool_id: &str, username_key: &str) -> StoreResult<bool> {
    c.prepare_cached("SELECT 1 FROM users WHERE pool_id = ?1 AND username_key = ?2")
        .and_then(|mut s| s.exists([pool_id, username_key]))
        .map_err(backend)
}

#[async_trait]
impl CodeStore for SqliteStore {
    async fn put_code(&self, code: &CodeRecord, message: Option<&OutboxMessage>) -> StoreResult<bool> {
        let (code, message) = (code.clone(), message.cloned());
        self.write(move |c| {
            if !user_exists(c, &code.pool_id, &code.username_key)? {
                return Ok(Unit::Undo(false));
            }
            upsert(c, &code)?;
            if let Some(m) = &message {
                outbox::insert(c, m)?;
            }
            Ok(Unit::Keep(true))
        })
        .await
    }

    async fn put_code_within(
        &self,
        code: &CodeRecord,
        message: &OutboxMessage,
        limit: &EventLimit,
    ) -> StoreResult<PutCode> {
        let (code, message, limit) = (code.clone(), message.clone(), limit.clone());
        self.write(move |c| {
            let (pool, user) = (&code.pool_id, &code.username_key);
            match record_event_in(c, pool, user, &limit.action, limit.at, limit.since, limit.max)? {
                Recorded::Yes => {}
                Recorded::Limited => return Ok(Unit::Undo(PutCode::Limited)),
                Recorded::UserGone => return Ok(Unit::Undo(PutCode::UserGone)),
            }
            upsert(c, &code)?;
            outbox::insert(c, &message)?;
            Ok(Unit::Keep(PutCode::Stored))
        })
        .await
    }

    async fn get_code(&self, pool_id: &str, username_key: &str, purpose: &str) -> StoreResult<Option<CodeRecord>> {
        let key = [pool_id.to_string(), username_key.to_string(), purpose.to_string()];
        self.read(move |c| {
            c.prepare_cached(
                "SELECT pool_id, username_key, purpose, code_hash, expires_at, failures, created_at FROM codes \
                 WHERE pool_id = ?1 AND username_key = ?2 AND purpose = ?3",
            )?
            .query_row(key, code_row)
            .optional()
        })
        .await
    }

    async fn record_code_failure(&self, code: &CodeRecord, max_failures: i32) -> StoreResult<()> {
        let code = code.clone();
        self.write_kept(move |c| {
            c.prepare_cached(
                "UPDATE codes SET failures = failures + 1 WHERE pool_id = ?1 AND username_key = ?2 AND purpose = ?3 \
                 AND code_hash = ?4",
            )
            .and_then(|mut s| s.execute(params![code.pool_id, code.username_key, code.purpose, code.code_hash]))
            .map_err(backend)?;
            c.prepare_cached(
                "DELETE FROM codes WHERE pool_id = ?1 AND username_key = ?2 AND purpose = ?3 AND failures >= ?4",
            )
            .and_then(|mut s| s.execute(params![code.pool_id, code.username_key, code.purpose, max_failures]))
            .map_err(backend)?;
            Ok(())
        })
        .await
    }
}
