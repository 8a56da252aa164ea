//! Signing keys, sessions and challenges on PostgreSQL.

use async_trait::async_trait;
use cognate_core::ports::store::{ChallengeRecord, KeyRecord, SessionRecord, StoreResult, TokenStore, UserRecord};
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::users::{user_at, USER_COLUMNS, U_COLUMNS};
use super::{backend, retrying, PostgresStore};

const SESSION_COLUMNS: &str =
    "id, pool_id, username_key, client_id, refresh_hash, auth_time, created_at, expires_at, revoked";

/// `SESSION_COLUMNS` qualified by the table alias `s`.
const S_COLUMNS: &str =
    "s.id, s.pool_id, s.username_key, s.client_id, s.refresh_hash, s.auth_time, s.created_at, s.expires_at, s.revoked";

fn session_row(r: &PgRow) -> SessionRecord {
    session_at(r, 0)
}

/// The columns of `SESSION_COLUMNS` read from position `at` on (in that order).
fn session_at(r: &PgRow, at: usize) -> SessionRecord {
    SessionRecord {
        id: r.get(at),
        pool_id: r.get(at + 1),
        username_key: r.get(at + 2),
        client_id: r.get(at + 3),
        refresh_hash: r.get(at + 4),
        auth_time: r.get(at + 5),
        created_at: r.get(at + 6),
        expires_at: r.get(at + 7),
        revoked: r.get(at + 8),
    }
}

impl PostgresStore {
    async fn insert_first_signing_key_once(&self, k: &KeyRecord) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        // The pool row's lock makes "has no key yet" and the insert one step across instances.
        let pool = sqlx::query("SELECT 1 FROM user_pools WHERE id = $1 FOR UPDATE")
            .bind(&k.pool_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if pool.is_none() {
            return Ok(false);
        }
        let done = sqlx::query(
            "INSERT INTO signing_keys (pool_id, kid, private_key, created_at) SELECT $1, $2, $3, $4 \
             WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE pool_id = $1)",
        )
        .bind(&k.pool_id)
        .bind(&k.kid)
        .bind(&k.private_key)
        .bind(k.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl TokenStore for PostgresStore {
    async fn signing_keys(&self, pool_id: &str) -> StoreResult<Vec<KeyRecord>> {
        let rows = sqlx::query(
            "SELECT pool_id, kid, private_key, created_at FROM signing_keys WHERE pool_id = $1 \
             ORDER BY created_at, kid",
        )
        .bind(pool_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows
            .iter()
            .map(|r| KeyRecord {
                pool_id: r.get("pool_id"),
                kid: r.get("kid"),
                private_key: r.get("private_key"),
                created_at: r.get("created_at"),
            })
            .collect())
    }

    async fn insert_first_signing_key(&self, key: &KeyRecord) -> StoreResult<bool> {
        retrying(|| self.insert_first_signing_key_once(key)).await
    }

    async fn add_signing_key(&self, k: &KeyRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO signing_keys (pool_id, kid, private_key, created_at) SELECT $1, $2, $3, $4 \
             WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = $1)",
        )
        .bind(&k.pool_id)
        .bind(&k.kid)
        .bind(&k.private_key)
        .bind(k.created_at)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()> {
        sqlx::query(&format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
            .bind(&s.id)
            .bind(&s.pool_id)
            .bind(&s.username_key)
            .bind(&s.client_id)
            .bind(&s.refresh_hash)
            .bind(s.auth_time)
            .bind(s.created_at)
            .bind(s.expires_at)
            .bind(s.revoked)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_session(&self, id: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(session_row))
    }

    async fn user_and_session(
        &self,
        pool_id: &str,
        username_key: &str,
        session_id: &str,
    ) -> StoreResult<Option<(UserRecord, Option<SessionRecord>)>> {
        // One statement, one round trip: the user's columns, then the session's (NULL when
        // there is no such session).
        let row = sqlx::query(&format!(
            "SELECT {U_COLUMNS}, {S_COLUMNS} FROM users u LEFT JOIN sessions s ON s.id = $3 \
             WHERE u.pool_id = $1 AND u.username_key = $2"
        ))
        .bind(pool_id)
        .bind(username_key)
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(|r| {
            let session = r.get::<Option<String>, _>(USER_COLUMNS).is_some().then(|| session_at(&r, USER_COLUMNS));
            (user_at(&r, 0), session)
        }))
    }

    async fn find_session_by_refresh(&self, refresh_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE refresh_hash = $1"))
            .bind(refresh_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(session_row))
    }

    async fn revoke_session(&self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE sessions SET revoked = TRUE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_user_sessions(&self, pool_id: &str, username_key: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET revoked = TRUE WHERE pool_id = $1 AND username_key = $2")
            .bind(pool_id)
            .bind(username_key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn insert_challenge(&self, c: &ChallengeRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO auth_challenges (id, pool_id, username_key, client_id, kind, state, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.id)
        .bind(&c.pool_id)
        .bind(&c.username_key)
        .bind(&c.client_id)
        .bind(&c.kind)
        .bind(&c.state)
        .bind(c.expires_at)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn take_challenge(&self, id: &str) -> StoreResult<Option<ChallengeRecord>> {
        let row = sqlx::query(
            "DELETE FROM auth_challenges WHERE id = $1 \
             RETURNING id, pool_id, username_key, client_id, kind, state, expires_at",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(|r| ChallengeRecord {
            id: r.get("id"),
            pool_id: r.get("pool_id"),
            username_key: r.get("username_key"),
            client_id: r.get("client_id"),
            kind: r.get("kind"),
            state: r.get("state"),
            expires_at: r.get("expires_at"),
        }))
    }
}
