//! Groups on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{GroupRecord, GroupStore, StoreError, StoreResult};
use cognate_core::ports::UserRecord;
use rusqlite::{params, OptionalExtension, Row};

use super::users::{user_row, U_COLUMNS};
use super::{backend, codes, unique_violation, SqliteStore, Unit};

fn group_row(r: &Row<'_>) -> rusqlite::Result<GroupRecord> {
    Ok(GroupRecord {
        pool_id: r.get("pool_id")?,
        name: r.get("name")?,
        document: r.get("document")?,
        precedence: r.get("precedence")?,
        created_at: r.get("created_at")?,
    })
}

#[async_trait]
impl GroupStore for SqliteStore {
    async fn create_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let g = g.clone();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached(
                    "INSERT INTO groups (pool_id, name, document, precedence, created_at) \
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?1)",
                )
                .and_then(|mut s| s.execute(params![g.pool_id, g.name, g.document, g.precedence, g.created_at]))
                .map_err(|e| match unique_violation(&e) {
                    Some(_) => StoreError::Conflict { constraint: "groups".into() },
                    None => backend(e),
                })?;
            Ok(n == 1)
        })
        .await
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        let key = [pool_id.to_string(), name.to_string()];
        self.read(move |c| {
            c.prepare_cached(
                "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = ?1 AND name = ?2",
            )?
            .query_row(key, group_row)
            .optional()
        })
        .await
    }

    async fn update_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let g = g.clone();
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("UPDATE groups SET document = ?1, precedence = ?2 WHERE pool_id = ?3 AND name = ?4")
                .and_then(|mut s| s.execute(params![g.document, g.precedence, g.pool_id, g.name]))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool> {
        let key = [pool_id.to_string(), name.to_string()];
        self.write_kept(move |c| {
            let n = c
                .prepare_cached("DELETE FROM groups WHERE pool_id = ?1 AND name = ?2")
                .and_then(|mut s| s.execute(key))
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<GroupRecord>> {
        let (pool_id, after) = (pool_id.to_string(), after.unwrap_or("").to_string());
        self.scan(move |c| {
            c.prepare_cached(
                "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = ?1 AND name > ?2 \
                 ORDER BY name LIMIT ?3",
            )?
            .query_map(params![pool_id, after, limit], group_row)?
            .collect()
        })
        .await
    }

    async fn add_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<bool> {
        let (pool_id, group, username_key) = (pool_id.to_string(), group.to_string(), username_key.to_string());
        self.write(move |c| {
            let group_exists = c
                .prepare_cached("SELECT 1 FROM groups WHERE pool_id = ?1 AND name = ?2")
                .and_then(|mut s| s.exists([&pool_id, &group]))
                .map_err(backend)?;
            if !group_exists || !codes::user_exists(c, &pool_id, &username_key)? {
                return Ok(Unit::Undo(false));
            }
            c.prepare_cached(
                "INSERT OR IGNORE INTO group_members (pool_id, group_name, username_key) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute([&pool_id, &group, &username_key]))
            .map_err(backend)?;
            Ok(Unit::Keep(true))
        })
        .await
    }

    async fn remove_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<()> {
        let key = [pool_id.to_string(), group.to_string(), username_key.to_string()];
        self.write_kept(move |c| {
            c.prepare_cached("DELETE FROM group_members WHERE pool_id = ?1 AND group_name = ?2 AND username_key = ?3")
                .and_then(|mut s| s.execute(key))
                .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn groups_of(&self, pool_id: &str, username_key: &str) -> StoreResult<Vec<GroupRecord>> {
        let key = [pool_id.to_string(), username_key.to_string()];
        self.read(move |c| {
            c.prepare_cached(
                "SELECT g.pool_id, g.name, g.document, g.precedence, g.created_at FROM group_members m \
                 JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
                 WHERE m.pool_id = ?1 AND m.username_key = ?2 \
                 ORDER BY g.precedence IS NULL, g.precedence, g.name",
            )?
            .query_map(key, group_row)?
            .collect()
        })
        .await
    }

    async fn members(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        let (pool_id, group, after) = (pool_id.to_string(), group.to_string(), after.unwrap_or("").to_string());
        self.scan(move |c| {
            c.prepare_cached(&format!(
                "SELECT {U_COLUMNS} FROM group_members m JOIN users u \
                 ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
                 WHERE m.pool_id = ?1 AND m.group_name = ?2 AND u.username_key > ?3 ORDER BY u.username_key LIMIT ?4"
            ))?
            .query_map(params![pool_id, group, after, limit], user_row)?
            .collect()
        })
        .await
    }
}
