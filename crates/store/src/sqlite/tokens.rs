//! Signing keys, sessions and challenges on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{ChallengeRecord, KeyRecord, SessionRecord, StoreResult, TokenStore, UserRecord};
use rusqlite::{params, OptionalExtension, Row};

use super::users::{user_at, USER_COLUMNS, U_COLUMNS};
use super::{backend, SqliteStore};

const SESSION_COLUMNS: &str =
    "id, pool_id, username_key, client_id, refresh_hash, auth_time, created_at, expires_at, revoked";

/// `SESSION_COLUMNS` qualified by the table alias `s`.
const S_COLUMNS: &str =
    "s.id, s.pool_id, s.username_key, s.client_id, s.refresh_hash, s.auth_time, s.created_at, s.expires_at, s.revoked";

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    session_at(r, 0)
}

/// The columns of `SESSION_COLUMNS` read from position `at` on (in that order).
fn session_at(r: &Row<'_>, at: usize) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: r.get(at)?,
        pool_id: r.get(at + 1)?,
        username_key: r.get(at + 2)?,
        client_id: r.get(at + 3)?,
        refresh_hash: r.get(at + 4)?,
        auth_time: r.get(at + 5)?,
        created_at: r.get(at + 6)?,
        expires_at: r.get(at + 7)?,
        revoked: r.get::<_, i64>(at + 8)? != 0,
    })
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn signing_keys(&self, pool_id: &str) -> StoreResult<Vec<KeyRecord>> {
        let pool_id = pool_id.to_string();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT pool_id, kid, private_key, created_at FROM signing_keys WHERE pool_id = ?1 \
                 ORDER BY created_at, kid",
            )?
            .query_map([pool_id], |r| {
                Ok(KeyRecord {
                    pool_id: r.get("pool_id")?,
                    kid: r.get("kid")?,
                    private_key: r.get("private_key")?,
                    created_at: r.get("created_at")?,
                })
            })?
            .collect()
        })
        .await
    }

    async fn insert_first_signing_key(&self, k: &KeyRecord) -> StoreResult<bool> {
        let k = k.clone();
        // One statement under the single writer: "has no key yet" and the insert are one step.
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "INSERT INTO signing_keys (pool_id, kid, private_key, created_at) SELECT ?1, ?2, ?3, ?4 \
                     WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?1) \
                     AND NOT EXISTS (SELECT 1 FROM signing_keys WHERE pool_id = ?1)",
                )
                .and_then(|mut s| s.execute(params![k.pool_id, k.kid, k.private_key, k.created_at]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn add_signing_key(&self, k: &KeyRecord) -> StoreResult<bool> {
        let k = k.clone();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "INSERT INTO signing_keys (pool_id, kid, private_key, created_at) SELECT ?1, ?2, ?3, ?4 \
                     WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?1)",
                )
                .and_then(|mut s| s.execute(params![k.pool_id, k.kid, k.private_key, k.created_at]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        let s = s.clone();
        self.write_kept(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))
            .and_then(|mut st| {
                st.execute(params![
                    s.id,
                    s.pool_id,
                    s.username_key,
                    s.client_id,
                    s.refresh_hash,
                    s.auth_time,
                    s.created_at,
                    s.expires_at,
                    i64::from(s.revoked)
                ])
            })
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn get_session(&self, id: &str) -> StoreResult<Option<SessionRecord>> {
        let id = id.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"))?
                .query_row([id], session_row)
                .optional()
        })
        .await
    }

    async fn user_and_session(
        &self,
        pool_id: &str,
        username_key: &str,
        session_id: &str,
    ) -> StoreResult<Option<(UserRecord, Option<SessionRecord>)>> {
        let key = [pool_id.to_string(), username_key.to_string(), session_id.to_string()];
        self.read(move |c| {
            // One statement, so one read transaction: the user's columns, then the session's
            // (NULL when there is no such session).
            c.prepare_cached(&format!(
                "SELECT {U_COLUMNS}, {S_COLUMNS} FROM users u LEFT JOIN sessions s ON s.id = ?3 \
                 WHERE u.pool_id = ?1 AND u.username_key = ?2"
            ))?
            .query_row(key, |r| {
                let user = user_at(r, 0)?;
                let session = match r.get::<_, Option<String>>(USER_COLUMNS)? {
                    Some(_) => Some(session_at(r, USER_COLUMNS)?),
                    None => None,
                };
                Ok((user, session))
            })
            .optional()
        })
        .await
    }

    async fn find_session_by_refresh(&self, refresh_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let refresh_hash = refresh_hash.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE refresh_hash = ?1"))?
                .query_row([refresh_hash], session_row)
                .optional()
        })
        .await
    }

    async fn revoke_session(&self, id: &str) -> StoreResult<bool> {
        let id = id.to_string();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("UPDATE sessions SET revoked = 1 WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn revoke_user_sessions(&self, pool_id: &str, username_key: &str) -> StoreResult<()> {
        let (pool_id, username_key) = (pool_id.to_string(), username_key.to_string());
        self.write_kept(move |c| {
            c.prepare_cached("UPDATE sessions SET revoked = 1 WHERE pool_id = ?1 AND username_key = ?2")
                .and_then(|mut s| s.execute([pool_id, username_key]))
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn insert_challenge(&self, ch: &ChallengeRecord) -> StoreResult<()> {
        let ch = ch.clone();
        self.write_kept(move |c| {
            c.prepare_cached(
                "INSERT INTO auth_challenges (id, pool_id, username_key, client_id, kind, state, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![ch.id, ch.pool_id, ch.username_key, ch.client_id, ch.kind, ch.state, ch.expires_at])
            })
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn take_challenge(&self, id: &str) -> StoreResult<Option<ChallengeRecord>> {
        let id = id.to_string();
        self.write_kept(move |c| {
            c.prepare_cached(
                "DELETE FROM auth_challenges WHERE id = ?1 \
                 RETURNING id, pool_id, username_key, client_id, kind, state, expires_at",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok(ChallengeRecord {
                        id: r.get("id")?,
                        pool_id: r.get("pool_id")?,
                        username_key: r.get("username_key")?,
                        client_id: r.get("client_id")?,
                        kind: r.get("kind")?,
                        state: r.get("state")?,
                        expires_at: r.get("expires_at")?,
                    })
                })
                .optional()
            })
            .map_err(backend)
        })
        .await
    }
}
