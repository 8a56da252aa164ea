//! Internal failures answer `InternalErrorException` with status 500 and leak nothing.

use crate::harness::spawn;

#[tokio::test]
async fn a_corrupt_stored_pool_answers_an_internal_error_without_details() {
    let s = spawn().await;
    let id = s.pool("p").await;
    let db = s.dir.path().join("cognate.db");
    let conn = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query("UPDATE user_pools SET document = 'not json' WHERE id = ?").bind(&id).execute(&conn).await.unwrap();
    conn.close().await;

    let r = s.raw(Some("DescribeUserPool"), "application/x-amz-json-1.1", &format!(r#"{{"UserPoolId":"{id}"}}"#)).await;
    assert_eq!(r.assert_error(500, "InternalErrorException"), "Internal server error.");
    let (code, _) = crate::harness::error_of(s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap_err());
    assert_eq!(code, "InternalErrorException");
}
