//! User pools and app clients on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{PoolStore, StoreError, StoreResult};
use cognate_core::ports::{ClientRecord, PoolRecord};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{backend, SqliteStore};

fn pool_row(r: &SqliteRow) -> PoolRecord {
    PoolRecord {
        id: r.get("id"),
        name: r.get("name"),
        document: r.get("document"),
        created_at: r.get("created_at"),
        version: r.get("version"),
    }
}

fn client_row(r: &SqliteRow) -> ClientRecord {
    ClientRecord {
        client_id: r.get("client_id"),
        pool_id: r.get("pool_id"),
        name: r.get("name"),
        document: r.get("document"),
        created_at: r.get("created_at"),
        version: r.get("version"),
    }
}

#[async_trait]
impl PoolStore for SqliteStore {
    async fn insert_pool(&self, p: &PoolRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO user_pools (id, name, document, created_at, version) VALUES (?, ?, ?, ?, ?)")
            .bind(&p.id)
            .bind(&p.name)
            .bind(&p.document)
            .bind(p.created_at)
            .bind(p.version)
            .execute(&self.writer)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    StoreError::Conflict { constraint: "user_pools.id".into() }
                }
                _ => backend(e),
            })?;
        Ok(())
    }

    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        let row = sqlx::query("SELECT id, name, document, created_at, version FROM user_pools WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(pool_row))
    }

    async fn update_pool(&self, p: &PoolRecord) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE user_pools SET name = ?, document = ?, version = ? WHERE id = ? AND version = ?")
                .bind(&p.name)
                .bind(&p.document)
                .bind(p.version)
                .bind(&p.id)
                .bind(p.version - 1)
                .execute(&self.writer)
                .await
                .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &str) -> StoreResult<bool> {
        // Clients go with it (ON DELETE CASCADE), in the same statement's transaction.
        let done =
            sqlx::query("DELETE FROM user_pools WHERE id = ?").bind(id).execute(&self.writer).await.map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>> {
        let rows = sqlx::query(
            "SELECT id, name, document, created_at, version FROM user_pools WHERE id > ? ORDER BY id LIMIT ?",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(pool_row).collect())
    }

    async fn insert_client(&self, c: &ClientRecord) -> StoreResult<bool> {
        // Inserted only if the pool still exists: no separate read, no race with DeleteUserPool.
        let done = sqlx::query(
            "INSERT INTO user_pool_clients (client_id, pool_id, name, document, created_at, version) \
             SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?)",
        )
        .bind(&c.client_id)
        .bind(&c.pool_id)
        .bind(&c.name)
        .bind(&c.document)
        .bind(c.created_at)
        .bind(c.version)
        .bind(&c.pool_id)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict { constraint: "user_pool_clients.client_id".into() }
            }
            _ => backend(e),
        })?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        let row = sqlx::query(
            "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients WHERE client_id = ?",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(client_row))
    }

    async fn update_client(&self, c: &ClientRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_pool_clients SET name = ?, document = ?, version = ? \
             WHERE client_id = ? AND pool_id = ? AND version = ?",
        )
        .bind(&c.name)
        .bind(&c.document)
        .bind(c.version)
        .bind(&c.client_id)
        .bind(&c.pool_id)
        .bind(c.version - 1)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM user_pool_clients WHERE pool_id = ? AND client_id = ?")
            .bind(pool_id)
            .bind(client_id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<ClientRecord>> {
        let rows = sqlx::query(
            "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients \
             WHERE pool_id = ? AND client_id > ? ORDER BY client_id LIMIT ?",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(client_row).collect())
    }
}
