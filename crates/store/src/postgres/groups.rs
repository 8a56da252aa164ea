//! Groups on PostgreSQL.

use async_trait::async_trait;
use cognate_core::ports::store::{GroupRecord, GroupStore, StoreError, StoreResult};
use cognate_core::ports::UserRecord;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::users::{user_row, U_COLUMNS};
use super::{backend, violated_constraint, PostgresStore};

fn group_row(r: &PgRow) -> GroupRecord {
    GroupRecord {
        pool_id: r.get("pool_id"),
        name: r.get("name"),
        document: r.get("document"),
        precedence: r.get("precedence"),
        created_at: r.get("created_at"),
    }
}

#[async_trait]
impl GroupStore for PostgresStore {
    async fn create_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO groups (pool_id, name, document, precedence, created_at) \
             SELECT id, $2, $3, $4, $5 FROM user_pools WHERE id = $1 FOR SHARE",
        )
        .bind(&g.pool_id)
        .bind(&g.name)
        .bind(&g.document)
        .bind(g.precedence)
        .bind(g.created_at)
        .execute(&self.pool)
        .await
        .map_err(|e| match violated_constraint(&e) {
            Some(_) => StoreError::Conflict { constraint: "groups".into() },
            None => backend(e),
        })?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = $1 AND name = $2",
        )
        .bind(pool_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(group_row))
    }

    async fn update_group(&self, g: &GroupRecord) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE groups SET document = $1, precedence = $2 WHERE pool_id = $3 AND name = $4")
            .bind(&g.document)
            .bind(g.precedence)
            .bind(&g.pool_id)
            .bind(&g.name)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool_id)
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> StoreResult<Vec<GroupRecord>> {
        let rows = sqlx::query(
            "SELECT pool_id, name, document, precedence, created_at FROM groups WHERE pool_id = $1 AND name > $2 \
             ORDER BY name LIMIT $3",
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
        let mut tx = self.begin().await?;
        // Both rows stay locked until the membership lands, so neither can be deleted meanwhile.
        let found = sqlx::query(
            "SELECT 1 FROM groups g, users u WHERE g.pool_id = $1 AND g.name = $2 \
             AND u.pool_id = $1 AND u.username_key = $3 FOR SHARE",
        )
        .bind(pool_id)
        .bind(group)
        .bind(username_key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if found.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_name, username_key) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
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
        sqlx::query("DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3")
            .bind(pool_id)
            .bind(group)
            .bind(username_key)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn groups_of(&self, pool_id: &str, username_key: &str) -> StoreResult<Vec<GroupRecord>> {
        let rows = sqlx::query(
            "SELECT g.pool_id, g.name, g.document, g.precedence, g.created_at FROM group_members m \
             JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = $1 AND m.username_key = $2 \
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
        let rows = sqlx::query(&format!(
            "SELECT {U_COLUMNS} FROM group_members m JOIN users u \
             ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
             WHERE m.pool_id = $1 AND m.group_name = $2 AND u.username_key > $3 ORDER BY u.username_key LIMIT $4"
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
