//! Internal failures answer `InternalErrorException` with status 500 and leak nothing.

use crate::harness::spawn;

#[tokio::test]
async fn a_corrupt_stored_pool_answers_an_internal_error_without_details() {
    let s = spawn().await;
    let id = s.pool("p").await;
    s.sql("UPDATE user_pools SET document = 'not json' WHERE id = $1", &[&id]).await;

    let r = s.raw(Some("DescribeUserPool"), "application/x-amz-json-1.1", &format!(r#"{{"UserPoolId":"{id}"}}"#)).await;
    assert_eq!(r.assert_error(500, "InternalErrorException"), "Internal server error.");
    let (code, _) = crate::harness::error_of(s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap_err());
    assert_eq!(code, "InternalErrorException");
}
