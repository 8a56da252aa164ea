//! Users on SQLite, with their alias and search rows, written in one transaction.

use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult, UserFilter, UserStore, UserWrite};
use cognate_core::ports::UserRecord;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

use super::{backend, codes, is_unique_violation, outbox, SqliteStore};

pub(crate) const COLUMNS: &str =
    "pool_id, username_key, username, sub, status, enabled, attributes, password, mfa, pending, created_at, updated_at, version";

pub(crate) fn user_row(r: &SqliteRow) -> UserRecord {
    UserRecord {
        pool_id: r.get("pool_id"),
        username_key: r.get("username_key"),
        username: r.get("username"),
        sub: r.get("sub"),
        status: r.get("status"),
        enabled: r.get::<i64, _>("enabled") != 0,
        attributes: r.get("attributes"),
        password: r.get("password"),
        mfa: r.get("mfa"),
        pending: r.get("pending"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
        version: r.get("version"),
    }
}

/// The largest character: `prefix || MAX_CHAR` bounds every string that starts with `prefix`.
const MAX_CHAR: char = '\u{10FFFF}';

/// Replaces the user's alias and search rows.
async fn write_index(tx: &mut Transaction<'static, Sqlite>, w: &UserWrite<'_>) -> StoreResult<()> {
    let u = w.user;
    sqlx::query("DELETE FROM user_aliases WHERE pool_id = ? AND username_key = ?")
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query("DELETE FROM user_search WHERE pool_id = ? AND username_key = ?")
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    for a in &w.index.aliases {
        sqlx::query("INSERT INTO user_aliases (pool_id, kind, alias_key, username_key) VALUES (?, ?, ?, ?)")
            .bind(&u.pool_id)
            .bind(&a.kind)
            .bind(&a.key)
            .bind(&u.username_key)
            .execute(&mut **tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict { constraint: format!("alias:{}", a.kind) }
                } else {
                    backend(e)
                }
            })?;
    }
    for (name, value) in &w.index.search {
        sqlx::query("INSERT OR IGNORE INTO user_search (pool_id, name, value, username_key) VALUES (?, ?, ?, ?)")
            .bind(&u.pool_id)
            .bind(name)
            .bind(value)
            .bind(&u.username_key)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Writes what comes with a user change: a code, a message, revocations.
async fn write_effects(tx: &mut Transaction<'static, Sqlite>, w: &UserWrite<'_>) -> StoreResult<()> {
    for code in w.codes {
        codes::upsert(tx, code).await?;
    }
    for message in w.messages {
        outbox::insert(tx, message).await?;
    }
    if w.revoke_sessions {
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE pool_id = ? AND username_key = ?")
            .bind(&w.user.pool_id)
            .bind(&w.user.username_key)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, w: UserWrite<'_>) -> StoreResult<()> {
        let u = w.user;
        let mut tx = self.write().await?;
        sqlx::query(&format!("INSERT INTO users ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(&u.pool_id)
            .bind(&u.username_key)
            .bind(&u.username)
            .bind(&u.sub)
            .bind(&u.status)
            .bind(i64::from(u.enabled))
            .bind(&u.attributes)
            .bind(&u.password)
            .bind(&u.mfa)
            .bind(&u.pending)
            .bind(u.created_at)
            .bind(u.updated_at)
            .bind(u.version)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    let which = if e.to_string().contains("users.sub") { "users_by_sub" } else { "users" };
                    StoreError::Conflict { constraint: which.into() }
                } else {
                    backend(e)
                }
            })?;
        write_index(&mut tx, &w).await?;
        write_effects(&mut tx, &w).await?;
        tx.commit().await.map_err(backend)
    }

    async fn save_user(&self, w: UserWrite<'_>) -> StoreResult<bool> {
        let u = w.user;
        let mut tx = self.write().await?;
        if let Some(c) = w.consume_code {
            let done = sqlx::query(
                "DELETE FROM codes WHERE pool_id = ? AND username_key = ? AND purpose = ? AND code_hash = ? \
                 AND created_at = ?",
            )
            .bind(&c.pool_id)
            .bind(&c.username_key)
            .bind(&c.purpose)
            .bind(&c.code_hash)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
        }
        let done = sqlx::query(
            "UPDATE users SET username = ?, status = ?, enabled = ?, attributes = ?, password = ?, mfa = ?, \
             pending = ?, updated_at = ?, version = ? WHERE pool_id = ? AND username_key = ? AND version = ?",
        )
        .bind(&u.username)
        .bind(&u.status)
        .bind(i64::from(u.enabled))
        .bind(&u.attributes)
        .bind(&u.password)
        .bind(&u.mfa)
        .bind(&u.pending)
        .bind(u.updated_at)
        .bind(u.version)
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .bind(u.version - 1)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        write_index(&mut tx, &w).await?;
        write_effects(&mut tx, &w).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE pool_id = ? AND username_key = ?"))
            .bind(pool_id)
            .bind(username_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(user_row))
    }

    async fn find_user_by_alias(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM user_aliases a JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
             WHERE a.pool_id = ? AND a.kind = ? AND a.alias_key = ?",
            COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ))
        .bind(pool_id)
        .bind(kind)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(user_row))
    }

    async fn delete_user(&self, pool_id: &str, username_key: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Sessions and challenges reference the user and go with it (ON DELETE CASCADE).
        let done = sqlx::query("DELETE FROM users WHERE pool_id = ? AND username_key = ?")
            .bind(pool_id)
            .bind(username_key)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        let after = after.unwrap_or("");
        let limit = i64::from(limit);
        let columns = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let rows = match filter {
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM users WHERE pool_id = ? AND username_key > ? ORDER BY username_key LIMIT ?"
                ))
                .bind(pool_id)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
            }
            Some(f) => {
                let (low, high) = if f.prefix {
                    (f.value.clone(), format!("{}{MAX_CHAR}", f.value))
                } else {
                    (f.value.clone(), f.value.clone())
                };
                sqlx::query(&format!(
                    "SELECT DISTINCT {columns} FROM user_search s JOIN users u \
                     ON u.pool_id = s.pool_id AND u.username_key = s.username_key \
                     WHERE s.pool_id = ? AND s.name = ? AND s.value >= ? AND s.value <= ? AND u.username_key > ? \
                     ORDER BY u.username_key LIMIT ?"
                ))
                .bind(pool_id)
                .bind(&f.name)
                .bind(low)
                .bind(high)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(backend)?;
        Ok(rows.iter().map(user_row).collect())
    }

    async fn record_event(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        at: i64,
        since: i64,
        max: u32,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Events that can no longer count are dropped on the way.
        sqlx::query("DELETE FROM user_events WHERE pool_id = ? AND username_key = ? AND action = ? AND at <= ?")
            .bind(pool_id)
            .bind(username_key)
            .bind(action)
            .bind(since)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM user_events WHERE pool_id = ? AND username_key = ? AND action = ?")
                .bind(pool_id)
                .bind(username_key)
                .bind(action)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
        if row.get::<i64, _>("n") >= i64::from(max) {
            return Ok(false);
        }
        sqlx::query("INSERT INTO user_events (pool_id, username_key, action, at) VALUES (?, ?, ?, ?)")
            .bind(pool_id)
            .bind(username_key)
            .bind(action)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn count_users(&self, pool_id: &str) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE pool_id = ?")
            .bind(pool_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(row.get::<i64, _>("n")).unwrap_or(0))
    }
}
