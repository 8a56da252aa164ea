//! Users on SQLite, with their alias and search rows, written in one unit of work.

use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult, UserFilter, UserIndex, UserStore, UserWrite};
use cognate_core::ports::{CodeRecord, OutboxMessage, UserRecord};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{backend, codes, outbox, unique_violation, SqliteStore, Unit};

pub(crate) const COLUMNS: &str = "pool_id, username_key, username, sub, status, enabled, attributes, password, mfa, \
                                  pending, created_at, updated_at, version";

/// How many columns `COLUMNS` names.
pub(crate) const USER_COLUMNS: usize = 13;

/// `COLUMNS` qualified by the table alias `u`.
pub(crate) const U_COLUMNS: &str = "u.pool_id, u.username_key, u.username, u.sub, u.status, u.enabled, \
                                    u.attributes, u.password, u.mfa, u.pending, u.created_at, u.updated_at, u.version";

pub(crate) fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    user_at(r, 0)
}

/// The columns of `COLUMNS` read from position `at` on (in that order).
pub(crate) fn user_at(r: &Row<'_>, at: usize) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        pool_id: r.get(at)?,
        username_key: r.get(at + 1)?,
        username: r.get(at + 2)?,
        sub: r.get(at + 3)?,
        status: r.get(at + 4)?,
        enabled: r.get::<_, i64>(at + 5)? != 0,
        attributes: r.get(at + 6)?,
        password: r.get(at + 7)?,
        mfa: r.get(at + 8)?,
        pending: r.get(at + 9)?,
        created_at: r.get(at + 10)?,
        updated_at: r.get(at + 11)?,
        version: r.get(at + 12)?,
    })
}

/// The largest character: `prefix || MAX_CHAR` bounds every string that starts with `prefix`.
const MAX_CHAR: char = '\u{10FFFF}';

/// A user write, owned, to hand to the writer thread.
struct OwnedWrite {
    user: UserRecord,
    index: UserIndex,
    codes: Vec<CodeRecord>,
    consume_code: Option<CodeRecord>,
    messages: Vec<OutboxMessage>,
    revoke_sessions: bool,
}

impl From<UserWrite<'_>> for OwnedWrite {
    fn from(w: UserWrite<'_>) -> Self {
        Self {
            user: w.user.clone(),
            index: w.index.clone(),
            codes: w.codes.to_vec(),
            consume_code: w.consume_code.cloned(),
            messages: w.messages.to_vec(),
            revoke_sessions: w.revoke_sessions,
        }
    }
}

/// Replaces the user's alias and search rows.
fn write_index(c: &Connection, w: &OwnedWrite) -> StoreResult<()> {
    let u = &w.user;
    c.prepare_cached("DELETE FROM user_aliases WHERE pool_id = ?1 AND username_key = ?2")
        .and_then(|mut s| s.execute([&u.pool_id, &u.username_key]))
        .map_err(backend)?;
    c.prepare_cached("DELETE FROM user_search WHERE pool_id = ?1 AND username_key = ?2")
        .and_then(|mut s| s.execute([&u.pool_id, &u.username_key]))
        .map_err(backend)?;
    for a in &w.index.aliases {
        c.prepare_cached("INSERT INTO user_aliases (pool_id, kind, alias_key, username_key) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute([&u.pool_id, &a.kind, &a.key, &u.username_key]))
            .map_err(|e| match unique_violation(&e) {
                Some(_) => StoreError::Conflict { constraint: format!("alias:{}", a.kind) },
                None => backend(e),
            })?;
    }
    for (name, value) in &w.index.search {
        c.prepare_cached(
            "INSERT OR IGNORE INTO user_search (pool_id, name, value, username_key) VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut s| s.execute([&u.pool_id, name, value, &u.username_key]))
        .map_err(backend)?;
    }
    Ok(())
}

/// Writes what comes with a user change: codes, messages, revocations.
fn write_effects(c: &Connection, w: &OwnedWrite) -> StoreResult<()> {
    for code in &w.codes {
        codes::upsert(c, code)?;
    }
    for message in &w.messages {
        outbox::insert(c, message)?;
    }
    if w.revoke_sessions {
        c.prepare_cached("UPDATE sessions SET revoked = 1 WHERE pool_id = ?1 AND username_key = ?2")
            .and_then(|mut s| s.execute([&w.user.pool_id, &w.user.username_key]))
            .map_err(backend)?;
    }
    Ok(())
}

fn insert_user(c: &Connection, u: &UserRecord) -> StoreResult<()> {
    c.prepare_cached(&format!(
        "INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))
    .and_then(|mut s| {
        s.execute(params![
            u.pool_id,
            u.username_key,
            u.username,
            u.sub,
            u.status,
            i64::from(u.enabled),
            u.attributes,
            u.password,
            u.mfa,
            u.pending,
            u.created_at,
            u.updated_at,
            u.version
        ])
    })
    .map_err(|e| match unique_violation(&e) {
        Some(m) if m.contains("users.sub") && !m.contains("users.username_key") => {
            StoreError::Conflict { constraint: "users_by_sub".into() }
        }
        Some(_) => StoreError::Conflict { constraint: "users".into() },
        None => backend(e),
    })?;
    Ok(())
}

fn update_user(c: &Connection, u: &UserRecord) -> StoreResult<bool> {
    let n = c
        .prepare_cached(
            "UPDATE users SET username = ?1, status = ?2, enabled = ?3, attributes = ?4, password = ?5, mfa = ?6, \
             pending = ?7, updated_at = ?8, version = ?9 WHERE pool_id = ?10 AND username_key = ?11 AND version = ?12",
        )
        .and_then(|mut s| {
            s.execute(params![
                u.username,
                u.status,
                i64::from(u.enabled),
                u.attributes,
                u.password,
                u.mfa,
                u.pending,
                u.updated_at,
                u.version,
                u.pool_id,
                u.username_key,
                u.version - 1
            ])
        })
        .map_err(backend)?;
    Ok(n == 1)
}

fn consume(c: &Connection, code: &CodeRecord) -> StoreResult<bool> {
    let n = c
        .prepare_cached(
            "DELETE FROM codes WHERE pool_id = ?1 AND username_key = ?2 AND purpose = ?3 AND code_hash = ?4 \
             AND created_at = ?5",
        )
        .and_then(|mut s| {
            s.execute(params![code.pool_id, code.username_key, code.purpose, code.code_hash, code.created_at])
        })
        .map_err(backend)?;
    Ok(n == 1)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, w: UserWrite<'_>) -> StoreResult<()> {
        let w = OwnedWrite::from(w);
        self.write(move |c| {
            insert_user(c, &w.user)?;
            write_index(c, &w)?;
            write_effects(c, &w)?;
            Ok(Unit::Keep(()))
        })
        .await
    }

    async fn save_user(&self, w: UserWrite<'_>) -> StoreResult<bool> {
        let w = OwnedWrite::from(w);
        self.write(move |c| {
            if let Some(code) = &w.consume_code {
                if !consume(c, code)? {
                    return Ok(Unit::Undo(false));
                }
            }
            if !update_user(c, &w.user)? {
                return Ok(Unit::Undo(false));
            }
            write_index(c, &w)?;
            write_effects(c, &w)?;
            Ok(Unit::Keep(true))
        })
        .await
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        let key = [pool_id.to_string(), username_key.to_string()];
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE pool_id = ?1 AND username_key = ?2"))?
                .query_row(key, user_row)
                .optional()
        })
        .await
    }

    async fn find_user_by_alias(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<Option<UserRecord>> {
        let key = [pool_id.to_string(), kind.to_string(), key.to_string()];
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {U_COLUMNS} FROM user_aliases a JOIN users u \
                 ON u.pool_id = a.pool_id AND u.username_key = a.username_key \
                 WHERE a.pool_id = ?1 AND a.kind = ?2 AND a.alias_key = ?3"
            ))?
            .query_row(key, user_row)
            .optional()
        })
        .await
    }

    async fn delete_user(&self, pool_id: &str, username_key: &str) -> StoreResult<bool> {
        let key = [pool_id.to_string(), username_key.to_string()];
        // Aliases, codes, sessions, events and memberships go with it (ON DELETE CASCADE).
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("DELETE FROM users WHERE pool_id = ?1 AND username_key = ?2")
                .and_then(|mut s| s.execute(key))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        let (pool_id, after, filter) = (pool_id.to_string(), after.unwrap_or("").to_string(), filter.cloned());
        self.scan(move |c| match filter {
            None => c
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM users WHERE pool_id = ?1 AND username_key > ?2 \
                     ORDER BY username_key LIMIT ?3"
                ))?
                .query_map(params![pool_id, after, limit], user_row)?
                .collect(),
            Some(f) => {
                let high = if f.prefix { format!("{}{MAX_CHAR}", f.value) } else { f.value.clone() };
                // The search index drives (CROSS JOIN fixes the order of the loops): left to
                // itself, SQLite walks every user of the pool in key order to avoid sorting.
                // The matches are then sorted; a user has one value per searchable attribute.
                c.prepare_cached(&format!(
                    "SELECT {U_COLUMNS} FROM user_search s CROSS JOIN users u \
                     ON u.pool_id = s.pool_id AND u.username_key = s.username_key \
                     WHERE s.pool_id = ?1 AND s.name = ?2 AND s.value >= ?3 AND s.value <= ?4 \
                     AND u.username_key > ?5 ORDER BY u.username_key LIMIT ?6"
                ))?
                .query_map(params![pool_id, f.name, f.value, high, after, limit], user_row)?
                .collect()
            }
        })
        .await
    }

    async fn recent_events(
        &self,
        pool_id: &str,
        username_key: &str,
        action: &str,
        since: i64,
    ) -> StoreResult<(u32, Option<i64>)> {
        let (pool_id, username_key, action) = (pool_id.to_string(), username_key.to_string(), action.to_string());
        let (n, last): (i64, Option<i64>) = self
            .read(move |c| {
                c.prepare_cached(
                    "SELECT IFNULL(SUM(n), 0), MAX(at) FROM user_events \
                     WHERE pool_id = ?1 AND username_key = ?2 AND action = ?3 AND at > ?4",
                )?
                .query_row(params![pool_id, username_key, action, since], |r| Ok((r.get(0)?, r.get(1)?)))
            })
            .await?;
        Ok((u32::try_from(n).unwrap_or(u32::MAX), last))
    }

    async fn clear_events(&self, pool_id: &str, username_key: &str, action: &str) -> StoreResult<()> {
        let (pool_id, username_key, action) = (pool_id.to_string(), username_key.to_string(), action.to_string());
        self.write_kept(move |c| {
            c.prepare_cached("DELETE FROM user_events WHERE pool_id = ?1 AND username_key = ?2 AND action = ?3")
                .and_then(|mut s| s.execute(params![pool_id, username_key, action]))
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn count_users(&self, pool_id: &str) -> StoreResult<u64> {
        let pool_id = pool_id.to_string();
        let n: i64 = self
            .scan(move |c| {
                c.prepare_cached("SELECT COUNT(*) FROM users WHERE pool_id = ?1")?.query_row([pool_id], |r| r.get(0))
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
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
        let (pool_id, username_key, action) = (pool_id.to_string(), username_key.to_string(), action.to_string());
        self.write(move |c| {
            Ok(match record_event_in(c, &pool_id, &username_key, &action, at, since, max)? {
                Recorded::Yes => Unit::Keep(true),
                Recorded::Limited => Unit::Undo(false),
                // A user that no longer exists has nothing to count.
                Recorded::UserGone => Unit::Undo(true),
            })
        })
        .await
    }
}

/// Events outside their window that a user may keep, per action, before they are deleted: the
/// delete then runs once per this many events instead of on every one, and the table holds at
/// most this many stale rows (plus the ones that count) for a user and action.
const STALE_EVENTS_KEPT: i64 = 16;

/// What [`record_event_in`] came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// The event is recorded.
    Yes,
    /// The user already did `action` `max` times in the window: nothing recorded.
    Limited,
    /// There is no such user: nothing recorded.
    UserGone,
}

/// Records the user's `action` at `at` unless it already did so `max` times after `since`.
/// One statement reads whether the user exists, how many events count and how many no longer
/// do; a second records the event (events of the same millisecond share a row and its count).
pub(crate) fn record_event_in(
    c: &rusqlite::Connection,
    pool_id: &str,
    username_key: &str,
    action: &str,
    at: i64,
    since: i64,
    max: u32,
) -> StoreResult<Recorded> {
    let (exists, counted, stale): (bool, i64, i64) = c
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM users WHERE pool_id = ?1 AND username_key = ?2), e.counted, e.stale \
             FROM (SELECT IFNULL(SUM(CASE WHEN at > ?4 THEN n END), 0) AS counted, IFNULL(SUM(at <= ?4), 0) AS stale \
                   FROM user_events WHERE pool_id = ?1 AND username_key = ?2 AND action = ?3) AS e",
        )
        .and_then(|mut s| {
            s.query_row(params![pool_id, username_key, action, since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        })
        .map_err(backend)?;
    if !exists {
        return Ok(Recorded::UserGone);
    }
    if counted >= i64::from(max) {
        return Ok(Recorded::Limited);
    }
    if stale >= STALE_EVENTS_KEPT {
        c.prepare_cached(
            "DELETE FROM user_events WHERE pool_id = ?1 AND username_key = ?2 AND action = ?3 AND at <= ?4",
        )
        .and_then(|mut s| s.execute(params![pool_id, username_key, action, since]))
        .map_err(backend)?;
    }
    c.prepare_cached(
        "INSERT INTO user_events (pool_id, username_key, action, at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (pool_id, username_key, action, at) DO UPDATE SET n = n + 1",
    )
    .and_then(|mut s| s.execute(params![pool_id, username_key, action, at]))
    .map_err(backend)?;
    Ok(Recorded::Yes)
}
