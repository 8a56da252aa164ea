//! Durability: what the server answered survives a clean restart.

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::spawn;

#[tokio::test]
async fn pools_and_clients_survive_a_restart_unchanged() {
    let mut s = spawn().await;
    let pool = s
        .client
        .create_user_pool()
        .pool_name("durable")
        .schema(SchemaAttributeType::builder().name("tenant").attribute_data_type(AttributeDataType::String).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let pool_id = pool.id().unwrap().to_string();
    let client = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("server")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = client.client_id().unwrap().to_string();
    let old_url = s.url.clone();

    s.restart().await;
    assert_ne!(s.url, old_url, "a new port: the data came from disk, not from the old process");

    let described = s.client.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(described, pool);
    let described = s
        .client
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(described, client);
}
