//! User pools and app clients on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{PoolStore, StoreError, StoreResult};
use cognate_core::ports::{ClientRecord, PoolRecord};
use rusqlite::{params, OptionalExtension, Row};

use super::{backend, unique_violation, SqliteStore};

fn pool_row(r: &Row<'_>) -> rusqlite::Result<PoolRecord> {
    Ok(PoolRecord {
        id: r.get("id")?,
        name: r.get("name")?,
        document: r.get("document")?,
        created_at: r.get("created_at")?,
        version: r.get("version")?,
    })
}

fn client_row(r: &Row<'_>) -> rusqlite::Result<ClientRecord> {
    Ok(ClientRecord {
        client_id: r.get("client_id")?,
        pool_id: r.get("pool_id")?,
        name: r.get("name")?,
        document: r.get("document")?,
        created_at: r.get("created_at")?,
        version: r.get("version")?,
    })
}

#[async_trait]
impl PoolStore for SqliteStore {
    async fn insert_pool(&self, p: &PoolRecord) -> StoreResult<()> {
        let p = p.clone();
        self.write_kept(move |c| {
            c.prepare_cached(
                "INSERT INTO user_pools (id, name, document, created_at, version) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| s.execute(params![p.id, p.name, p.document, p.created_at, p.version]))
            .map_err(|e| match unique_violation(&e) {
                Some(_) => StoreError::Conflict { constraint: "user_pools.id".into() },
                None => backend(e),
            })?;
            Ok(())
        })
        .await
    }

    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        let id = id.to_string();
        self.read(move |c| {
            c.prepare_cached("SELECT id, name, document, created_at, version FROM user_pools WHERE id = ?1")?
                .query_row([id], pool_row)
                .optional()
        })
        .await
    }

    async fn update_pool(&self, p: &PoolRecord) -> StoreResult<bool> {
        let p = p.clone();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE user_pools SET name = ?1, document = ?2, version = ?3 WHERE id = ?4 AND version = ?5",
                )
                .and_then(|mut s| s.execute(params![p.name, p.document, p.version, p.id, p.version - 1]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn delete_pool(&self, id: &str) -> StoreResult<bool> {
        let id = id.to_string();
        // Everything in the pool goes with it (ON DELETE CASCADE).
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("DELETE FROM user_pools WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>> {
        let after = after.unwrap_or("").to_string();
        self.scan(move |c| {
            c.prepare_cached(
                "SELECT id, name, document, created_at, version FROM user_pools WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?
            .query_map(params![after, limit], pool_row)?
            .collect()
        })
        .await
    }

    async fn insert_client(&self, cl: &ClientRecord) -> StoreResult<bool> {
        let cl = cl.clone();
        // Inserted only if the pool still exists: no separate read, no race with DeleteUserPool.
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "INSERT INTO user_pool_clients (client_id, pool_id, name, document, created_at, version) \
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?2)",
                )
                .and_then(|mut s| {
                    s.execute(params![cl.client_id, cl.pool_id, cl.name, cl.document, cl.created_at, cl.version])
                })
                .map_err(|e| match unique_violation(&e) {
                    Some(_) => StoreError::Conflict { constraint: "user_pool_clients.client_id".into() },
                    None => backend(e),
                })?;
            Ok(n == 1)
        })
        .await
    }

    async fn get_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        let client_id = client_id.to_string();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients \
                 WHERE client_id = ?1",
            )?
            .query_row([client_id], client_row)
            .optional()
        })
        .await
    }

    async fn update_client(&self, cl: &ClientRecord) -> StoreResult<bool> {
        let cl = cl.clone();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE user_pool_clients SET name = ?1, document = ?2, version = ?3 \
                     WHERE client_id = ?4 AND pool_id = ?5 AND version = ?6",
                )
                .and_then(|mut s| {
                    s.execute(params![cl.name, cl.document, cl.version, cl.client_id, cl.pool_id, cl.version - 1])
                })
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool> {
        let (pool_id, client_id) = (pool_id.to_string(), client_id.to_string());
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("DELETE FROM user_pool_clients WHERE pool_id = ?1 AND client_id = ?2")
                .and_then(|mut s| s.execute([pool_id, client_id]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<ClientRecord>> {
        let (pool_id, after) = (pool_id.to_string(), after.unwrap_or("").to_string());
        self.scan(move |c| {
            c.prepare_cached(
                "SELECT client_id, pool_id, name, document, created_at, version FROM user_pool_clients \
                 WHERE pool_id = ?1 AND client_id > ?2 ORDER BY client_id LIMIT ?3",
            )?
            .query_map(params![pool_id, after, limit], client_row)?
            .collect()
        })
        .await
    }
}
