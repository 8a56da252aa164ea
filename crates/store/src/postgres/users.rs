//! Users on PostgreSQL, with their alias and search rows, written in one transaction.

use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult, UserFilter, UserStore, UserWrite};
use cognate_core::ports::UserRecord;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use super::{backend, codes, outbox, retrying, violated_constraint, PostgresStore};

pub(crate) const COLUMNS: &str = "pool_id, username_key, username, sub, status, enabled, attributes, password, mfa, \
                                  pending, created_at, updated_at, version";

/// How many columns `COLUMNS` names.
pub(crate) const USER_COLUMNS: usize = 13;

/// `COLUMNS` qualified by the table alias `u`.
pub(crate) const U_COLUMNS: &str = "u.pool_id, u.username_key, u.username, u.sub, u.status, u.enabled, \
                                    u.attributes, u.password, u.mfa, u.pending, u.created_at, u.updated_at, u.version";

pub(crate) fn user_row(r: &PgRow) -> UserRecord {
    user_at(r, 0)
}

/// The columns of `COLUMNS` read from position `at` on (in that order).
pub(crate) fn user_at(r: &PgRow, at: usize) -> UserRecord {
    UserRecord {
        pool_id: r.get(at),
        username_key: r.get(at + 1),
        username: r.get(at + 2),
        sub: r.get(at + 3),
        status: r.get(at + 4),
        enabled: r.get(at + 5),
        attributes: r.get(at + 6),
        password: r.get(at + 7),
        mfa: r.get(at + 8),
        pending: r.get(at + 9),
        created_at: r.get(at + 10),
        updated_at: r.get(at + 11),
        version: r.get(at + 12),
    }
}

/// The largest character: `prefix || MAX_CHAR` bounds every string that starts with `prefix`
/// (the search columns use the "C" collation: code point order).
const MAX_CHAR: char = '\u{10FFFF}';

/// Replaces the user's alias and search rows.
async fn write_index(tx: &mut Transaction<'static, Postgres>, w: &UserWrite<'_>) -> StoreResult<()> {
    let u = w.user;
    sqlx::query("DELETE FROM user_aliases WHERE pool_id = $1 AND username_key = $2")
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query("DELETE FROM user_search WHERE pool_id = $1 AND username_key = $2")
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    for a in &w.index.aliases {
        sqlx::query("INSERT INTO user_aliases (pool_id, kind, alias_key, username_key) VALUES ($1, $2, $3, $4)")
            .bind(&u.pool_id)
            .bind(&a.kind)
            .bind(&a.key)
            .bind(&u.username_key)
            .execute(&mut **tx)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some(_) => StoreError::Conflict { constraint: format!("alias:{}", a.kind) },
                None => backend(e),
            })?;
    }
    for (name, value) in &w.index.search {
        sqlx::query(
            "INSERT INTO user_search (pool_id, name, value, username_key) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
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

/// Writes what comes with a user change: codes, messages, revocations.
async fn write_effects(tx: &mut Transaction<'static, Postgres>, w: &UserWrite<'_>) -> StoreResult<()> {
    for code in w.codes {
        codes::upsert(tx, code).await?;
    }
    for message in w.messages {
        outbox::insert(tx, message).await?;
    }
    if w.revoke_sessions {
        sqlx::query("UPDATE sessions SET revoked = TRUE WHERE pool_id = $1 AND username_key = $2")
            .bind(&w.user.pool_id)
            .bind(&w.user.username_key)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

impl PostgresStore {
    async fn create_user_once(&self, w: UserWrite<'_>) -> StoreResult<()> {
        let u = w.user;
        let mut tx = self.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&u.pool_id)
        .bind(&u.username_key)
        .bind(&u.username)
        .bind(&u.sub)
        .bind(&u.status)
        .bind(u.enabled)
        .bind(&u.attributes)
        .bind(&u.password)
        .bind(&u.mfa)
        .bind(&u.pending)
        .bind(u.created_at)
        .bind(u.updated_at)
        .bind(u.version)
        .execute(&mut *tx)
        .await
        .map_err(|e| match violated_constraint(&e).as_deref() {
            Some("users_by_sub") => StoreError::Conflict { constraint: "users_by_sub".into() },
            Some(_) => StoreError::Conflict { constraint: "users".into() },
            None => backend(e),
        })?;
        write_index(&mut tx, &w).await?;
        write_effects(&mut tx, &w).await?;
        tx.commit().await.map_err(backend)
    }

    async fn save_user_once(&self, w: UserWrite<'_>) -> StoreResult<bool> {
        let u = w.user;
        let mut tx = self.begin().await?;
        // The user row first (then the code), the order every writer locks them in. A concurrent
        // writer that got there first has moved the version on: this one then changes nothing.
        let done = sqlx::query(
            "UPDATE users SET username = $1, status = $2, enabled = $3, attributes = $4, password = $5, mfa = $6, \
             pending = $7, updated_at = $8, version = $9 WHERE pool_id = $10 AND username_key = $11 AND version = $12",
        )
        .bind(&u.username)
        .bind(&u.status)
        .bind(u.enabled)
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
        if let Some(c) = w.consume_code {
            let done = sqlx::query(
                "DELETE FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 AND code_hash = $4 \
                 AND created_at = $5",
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
                // Rolled back when `tx` drops.
                return Ok(false);
            }
        }
        write_index(&mut tx, &w).await?;
        write_effects(&mut tx, &w).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn record_event_once(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        at: i64,
        since: i64,
        max: u32,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        // The user's row lock serialises counting across instances.
        if !lock_user(&mut tx, pool_id, username_key).await? {
            // A user that no longer exists has nothing to count.
            return Ok(true);
        }
        if !record_event_in(&mut tx, pool_id, username_key, action, at, since, max).await? {
            return Ok(false);
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user(&self, w: UserWrite<'_>) -> StoreResult<()> {
        retrying(|| self.create_user_once(w)).await
    }

    async fn save_user(&self, w: UserWrite<'_>) -> StoreResult<bool> {
        retrying(|| self.save_user_once(w)).await
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE pool_id = $1 AND username_key = $2"))
            .bind(pool_id)
            .bind(username_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(user_row))
    }

    async fn find_user_by_alias(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {U_COLUMNS} FROM user_aliases a JOIN users u \
             ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
             WHERE a.pool_id = $1 AND a.kind = $2 AND a.alias_key = $3"
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
        // Aliases, codes, sessions, events and memberships go with it (ON DELETE CASCADE).
        let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND username_key = $2")
            .bind(pool_id)
            .bind(username_key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
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
        let rows = match filter {
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM users WHERE pool_id = $1 AND username_key > $2 \
                     ORDER BY username_key LIMIT $3"
                ))
                .bind(pool_id)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
            }
            Some(f) => {
                let high = if f.prefix { format!("{}{MAX_CHAR}", f.value) } else { f.value.clone() };
                sqlx::query(&format!(
                    "SELECT {U_COLUMNS} FROM user_search s JOIN users u \
                     ON u.pool_id = s.pool_id AND u.username_key = s.username_key \
                     WHERE s.pool_id = $1 AND s.name = $2 AND s.value >= $3 AND s.value <= $4 \
                     AND u.username_key > $5 ORDER BY u.username_key LIMIT $6"
                ))
                .bind(pool_id)
                .bind(&f.name)
                .bind(&f.value)
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

    async fn recent_events(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        since: i64,
    ) -> StoreResult<(u32, Option<i64>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MAX(at) AS last FROM user_events \
             WHERE pool_id = $1 AND username_key = $2 AND action = $3 AND at > $4",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(action)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok((u32::try_from(row.get::<i64, _>("n")).unwrap_or(u32::MAX), row.get::<Option<i64>, _>("last")))
    }

    async fn clear_events(&self, pool_id: &str, username_key: &str, action: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_events WHERE pool_id = $1 AND username_key = $2 AND action = $3")
            .bind(pool_id)
            .bind(username_key)
            .bind(action)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn count_users(&self, pool_id: &str) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE pool_id = $1")
            .bind(pool_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(row.get::<i64, _>("n")).unwrap_or(0))
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
        retrying(|| self.record_event_once(pool_id, username_key, action, at, since, max)).await
    }
}

/// Locks the user's row for the rest of the transaction; false if there is no such user.
pub(crate) async fn lock_user(
    tx: &mut Transaction<'_, Postgres>,
    pool_id: &str,
    username_key: &str,
) -> StoreResult<bool> {
    let row = sqlx::query("SELECT 1 FROM users WHERE pool_id = $1 AND username_key = $2 FOR UPDATE")
        .bind(pool_id)
        .bind(username_key)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(row.is_some())
}

/// Records the user's `action` at `at` unless it already did so `max` times after `since`
/// (dropping events that no longer count on the way); false when the limit is reached. The
/// caller holds the user's row lock, which serialises counting across instances.
pub(crate) async fn record_event_in(
    tx: &mut Transaction<'_, Postgres>,
    pool_id: &str,
    username_key: &str,
    action: &str,
    at: i64,
    since: i64,
    max: u32,
) -> StoreResult<bool> {
    // One statement: events that can no longer count dropped, the rest counted, and the new one
    // added if under the limit. Run after the row lock was taken, its snapshot sees every event
    // committed before.
    let added = sqlx::query(
        "WITH gone AS (DELETE FROM user_events \
           WHERE pool_id = $1 AND username_key = $2 AND action = $3 AND at <= $4), \
         counted AS (SELECT COUNT(*) AS n FROM user_events \
           WHERE pool_id = $1 AND username_key = $2 AND action = $3 AND at > $4) \
         INSERT INTO user_events (pool_id, username_key, action, at) \
         SELECT $1, $2, $3, $5 FROM counted WHERE counted.n < $6 RETURNING 1",
    )
    .bind(pool_id)
    .bind(username_key)
    .bind(action)
    .bind(since)
    .bind(at)
    .bind(i64::from(max))
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(added.is_some())
}
