//! User pools and app clients on PostgreSQL.

use async_trait::async_trait;
use cognate_core::ports::store::{PoolStore, StoreError, StoreResult};
use cognate_core::ports::{ClientRecord, PoolRecord};
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{backend, violated_constraint, PostgresStore};

fn pool_row(r: &PgRow) -> PoolRecord {
    PoolRecord {
        id: r.get("id"),
        name: r.get("name"),
        document: r.get("document"),
        created_at: r.get("created_at"),
        version: r.get("version"),
    }
}

fn client_row(r: &PgRow) -> ClientRecord {
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
impl PoolStore for PostgresStore {
    async fn insert_pool(&self, p: &PoolRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO user_pools (id, name, document, created_at, version) VALUES ($1, $2, $3, $4, $5)")
            .bind(&p.id)
            .bind(&p.name)
            .bind(&p.document)
            .bind(p.created_at)
            .bind(p.version)
            .execute(&self.pool)
            .await
            .map_err(|e| match violated_constraint(&e) {
                Some(_) => StoreError::Conflict { constraint: "user_pools.id".into() },
                None => backend(e),
            })?;
        Ok(())
    }

    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        let row = sqlx::query("SELECT id, name, document, created_at, version FROM user_pools WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.as_ref().map(pool_row))
    }

    async fn update_pool(&self, p: &PoolRecord) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE user_pools SET name = $1, document = $2, version = $3 WHERE id = $4 AND version = $5")
                .bind(&p.name)
                .bind(&p.document)
                .bind(p.version)
                .bind(&p.id)
                .bind(p.version - 1)
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &str) -> StoreResult<bool> {
        // Everything in the pool goes with it (ON DELETE CASCADE), in the statement's transaction.
        let done =
            sqlx::query("DELETE FROM user_pools WHERE id = $1").bind(id).execute(&self.pool).await.map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>> {
        let rows = sqlx::query(
            "SELECT id, name, document, created_at, version FROM user_pools WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(pool_row).collect())
    }

    async fn insert_client(&self, c: &ClientRecord) -> StoreResult<bool> {
        // The pool row is locked for the insert, so DeleteUserPool cannot pass in between.
        let done = sqlx::query(
            "INSERT INTO user_pool_clients (client_id, pool_id, name, document, created_at, version) \
             SELECT $1, id, $3, $4, $5, $6 FROM user_pools WHERE id = $2 FOR SHARE",
        )
        .bind(&c.client_id)
        .bind(&c.pool_id)
        .bind(&c.name)
        .bind(&c.document)
        .bind(c.created_at)
        .bind(c.version)
        .execute(&self.pool)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some(_) => StoreError::Conflict { constraint: "user_pool_clients.client_id".into() },
            None => backend(e),
        })?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        let row = sqlx::query(
            "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients \
             WHERE client_id = $1",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(client_row))
    }

    async fn update_client(&self, c: &ClientRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_pool_clients SET name = $1, document = $2, version = $3 \
             WHERE client_id = $4 AND pool_id = $5 AND version = $6",
        )
        .bind(&c.name)
        .bind(&c.document)
        .bind(c.version)
        .bind(&c.client_id)
        .bind(&c.pool_id)
        .bind(c.version - 1)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM user_pool_clients WHERE pool_id = $1 AND client_id = $2")
            .bind(pool_id)
            .bind(client_id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<ClientRecord>> {
        let rows = sqlx::query(
            "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients \
             WHERE pool_id = $1 AND client_id > $2 ORDER BY client_id LIMIT $3",
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
