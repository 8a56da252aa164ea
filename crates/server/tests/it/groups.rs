//! Groups, memberships, and `cognito:groups` in tokens.

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, jwt_payload, spawn};

#[tokio::test]
async fn groups_are_managed_and_appear_in_tokens_by_precedence() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    s.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("jane")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    s.client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("jane")
        .password("Corr3ct-horse!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    for (name, precedence) in [("readers", 10), ("admins", 1), ("writers", 5)] {
        let g = s
            .client
            .create_group()
            .user_pool_id(&pool)
            .group_name(name)
            .precedence(precedence)
            .description(format!("the {name}"))
            .send()
            .await
            .unwrap();
        assert_eq!(g.group().unwrap().group_name(), Some(name));
    }
    let e = s.client.create_group().user_pool_id(&pool).group_name("admins").send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("GroupExistsException".into(), "A group with the name admins already exists.".into())
    );
    let e = s.client.get_group().user_pool_id(&pool).group_name("nope").send().await;
    assert_eq!(error_of(e.unwrap_err()), ("ResourceNotFoundException".into(), "Group not found.".into()));

    for g in ["readers", "admins", "writers"] {
        s.client.admin_add_user_to_group().user_pool_id(&pool).username("jane").group_name(g).send().await.unwrap();
    }
    let mine = s.client.admin_list_groups_for_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    let names: Vec<_> = mine.groups().iter().map(|g| g.group_name().unwrap()).collect();
    assert_eq!(names, ["admins", "writers", "readers"]);

    let t = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", "Corr3ct-horse!")
        .send()
        .await
        .unwrap();
    let claims = jwt_payload(t.authentication_result().unwrap().access_token().unwrap());
    assert_eq!(claims["cognito:groups"], serde_json::json!(["admins", "writers", "readers"]));

    s.client.update_group().user_pool_id(&pool).group_name("readers").precedence(0).send().await.unwrap();
    let g = s.client.get_group().user_pool_id(&pool).group_name("readers").send().await.unwrap();
    assert_eq!(g.group().unwrap().precedence(), Some(0));
    assert_eq!(g.group().unwrap().description(), Some("the readers"));

    let members = s.client.list_users_in_group().user_pool_id(&pool).group_name("writers").send().await.unwrap();
    assert_eq!(members.users().len(), 1);
    s.client
        .admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("jane")
        .group_name("writers")
        .send()
        .await
        .unwrap();
    let members = s.client.list_users_in_group().user_pool_id(&pool).group_name("writers").send().await.unwrap();
    assert!(members.users().is_empty());

    s.client.delete_group().user_pool_id(&pool).group_name("admins").send().await.unwrap();
    let all = s.client.list_groups().user_pool_id(&pool).send().await.unwrap();
    let names: Vec<_> = all.groups().iter().map(|g| g.group_name().unwrap()).collect();
    assert_eq!(names, ["readers", "writers"]);
    let mine = s.client.admin_list_groups_for_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(mine.groups().len(), 1);
}
