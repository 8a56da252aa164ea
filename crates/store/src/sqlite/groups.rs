//! Groups on SQLite.

use async_trait::async_trait;
use cognate_core::ports::store::{GroupRecord, GroupStore, StoreError, StoreResult};
use cognate_core::ports::UserRecord;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::users::{user_row, COLUMNS};
use super::{backend, is_unique_violation, SqliteStore};

fn group_row(r: &SqliteRow) -> GroupRecord {
    GroupRecord {
        pool_id: r.get("pool_id"),
        name: r.get("name"),
        document: r.get("document"),
        precedence: r.get("precedence"),
        created_at: r.get("created_at"),
    }
}

#[async_trait]
impl GroupStore for SqliteStore {
    async fn create_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO groups (pool_id, name, document, precedence, created_at) \
             SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM user_pools WHERE id = ?)",
        )
        .bind(&g.pool_id)
        .bind(&g.name)
        .bind(&g.document)
        .bind(g.precedence)
        .bind(g.created_at)
        .bind(&g.pool_id)
        .execute(&self.writer)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict { constraint: "groups".into() }
            } else {
                backend(e)
            }
        })?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = ? AND name = ?",
        )
        .bind(pool_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(group_row))
    }

    async fn update_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE groups SET document = ?, precedence = ? WHERE pool_id = ? AND name = ?")
            .bind(&g.document)
            .bind(g.precedence)
            .bind(&g.pool_id)
            .bind(&g.name)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM groups WHERE pool_id = ? AND name = ?")
            .bind(pool_id)
            .bind(name)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<GroupRecord>> {
        let rows = sqlx::query(
            "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = ? AND name > ? \
             ORDER BY name LIMIT ?",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(group_row).collect())
    }

    async fn add_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let exists = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM groups WHERE pool_id = ? AND name = ?) \
             + (SELECT COUNT(*) FROM users WHERE pool_id = ? AND username_key = ?) AS n",
        )
        .bind(pool_id)
        .bind(group)
        .bind(pool_id)
        .bind(username_key)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        if exists.get::<i64, _>("n") != 2 {
            return Ok(false);
        }
        sqlx::query("INSERT OR IGNORE INTO group_members (pool_id, group_name, username_key) VALUES (?, ?, ?)")
            .bind(pool_id)
            .bind(group)
            .bind(username_key)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn remove_member(&self, pool_id: &str, group: &str, username_key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username_key = ?")
            .bind(pool_id)
            .bind(group)
            .bind(username_key)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn groups_of(&self, pool_id: &str, username_key: &str) -> StoreResult<Vec<GroupRecord>> {
        let rows = sqlx::query(
            "SELECT g.pool_id, g.name, g.document, g.precedence, g.created_at FROM group_members m \
             JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = ? AND m.username_key = ? \
             ORDER BY g.precedence IS NULL, g.precedence, g.name",
        )
        .bind(pool_id)
        .bind(username_key)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(group_row).collect())
    }

    async fn members(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        let columns = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {columns} FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
             WHERE m.pool_id = ? AND m.group_name = ? AND u.username_key > ? ORDER BY u.username_key LIMIT ?"
        ))
        .bind(pool_id)
        .bind(group)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows.iter().map(user_row).collect())
    }
}
