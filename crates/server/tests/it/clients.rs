//! CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient, DeleteUserPoolClient,
//! ListUserPoolClients through the SDK.

use std::collections::HashSet;

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, spawn};

fn is_base32hex(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c))
}

#[tokio::test]
async fn a_client_created_with_only_a_name_has_the_services_defaults() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let out = s.client.create_user_pool_client().user_pool_id(&pool).client_name("web").send().await.unwrap();
    let created = out.user_pool_client.unwrap();
    let id = created.client_id().unwrap().to_string();
    assert_eq!(id.len(), 26);
    assert!(is_base32hex(&id), "{id}");
    assert!(created.client_secret().is_none());
    let c = s
        .client
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(c, created);
    assert_eq!(c.user_pool_id(), Some(pool.as_str()));
    assert_eq!(c.client_name(), Some("web"));
    assert_eq!(c.refresh_token_validity(), 30);
    assert_eq!(c.allowed_o_auth_flows_user_pool_client(), Some(false));
    assert_eq!(c.enable_token_revocation(), Some(true));
    assert_eq!(c.enable_propagate_additional_user_context_data(), Some(false));
    assert_eq!(c.auth_session_validity(), Some(3));
    assert_eq!(c.access_token_validity(), None);
    assert_eq!(c.id_token_validity(), None);
    assert!(c.explicit_auth_flows().is_empty());
    assert!(c.creation_date().is_some() && c.last_modified_date().is_some());
}

#[tokio::test]
async fn a_generated_secret_is_52_characters_and_described_again() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let out = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("server")
        .generate_secret(true)
        .send()
        .await
        .unwrap();
    let c = out.user_pool_client.unwrap();
    let secret = c.client_secret().unwrap().to_string();
    assert_eq!(secret.len(), 52);
    assert!(is_base32hex(&secret));
    let described = s
        .client
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(c.client_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(described.user_pool_client().unwrap().client_secret(), Some(secret.as_str()));
}

#[tokio::test]
async fn client_settings_are_returned_as_given_and_updates_reset_the_rest() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let out = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .access_token_validity(30)
        .id_token_validity(30)
        .refresh_token_validity(7)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Minutes)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .read_attributes("email")
        .write_attributes("email")
        .callback_urls("https://app.example.com/callback")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(false)
        .send()
        .await
        .unwrap();
    let c = out.user_pool_client.unwrap();
    let id = c.client_id().unwrap().to_string();
    assert_eq!(
        c.explicit_auth_flows(),
        [ExplicitAuthFlowsType::AllowUserSrpAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth]
    );
    assert_eq!((c.access_token_validity(), c.id_token_validity(), c.refresh_token_validity()), (Some(30), Some(30), 7));
    assert_eq!(c.token_validity_units().unwrap().access_token(), Some(&TimeUnitsType::Minutes));
    assert_eq!(c.read_attributes(), ["email"]);
    assert_eq!(c.callback_urls(), ["https://app.example.com/callback"]);
    assert_eq!(c.prevent_user_existence_errors(), Some(&PreventUserExistenceErrorTypes::Enabled));
    assert_eq!(c.enable_token_revocation(), Some(false));

    s.clock.advance(1000);
    let updated = s
        .client
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_name("renamed")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.client_name(), Some("renamed"));
    assert_eq!(updated.explicit_auth_flows(), [ExplicitAuthFlowsType::AllowUserPasswordAuth]);
    assert_eq!(updated.access_token_validity(), None, "not given, so back to the default");
    assert_eq!(updated.refresh_token_validity(), 30);
    assert!(updated.read_attributes().is_empty());
    assert_eq!(updated.enable_token_revocation(), Some(true));
    assert_eq!(updated.client_secret(), c.client_secret(), "the secret stays");
    assert_eq!(updated.creation_date(), c.creation_date());
    assert!(updated.last_modified_date() > c.last_modified_date());
    let listed = s.client.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(listed.user_pool_clients()[0].client_name(), Some("renamed"));
}

#[tokio::test]
async fn bad_client_settings_are_refused_and_store_nothing() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let e = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .access_token_validity(2)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::Days).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(e), ("InvalidParameterException".into(), "Invalid range for token validity.".into()));
    let e = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .read_attributes("custom:nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(e).0, "InvalidParameterException");
    let e = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::UserPasswordAuth)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(e).0, "InvalidParameterException");
    let listed = s.client.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert!(listed.user_pool_clients().is_empty());
}

#[tokio::test]
async fn unknown_clients_are_resource_not_found_with_the_real_text() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let other = s.pool("other").await;
    let foreign = s.client.create_user_pool_client().user_pool_id(&other).client_name("c").send().await.unwrap();
    let foreign_id = foreign.user_pool_client().unwrap().client_id().unwrap().to_string();
    for id in ["1234567890abcdefghijklmnop", foreign_id.as_str()] {
        let expected = ("ResourceNotFoundException".to_string(), format!("User pool client {id} does not exist."));
        let e = s.client.describe_user_pool_client().user_pool_id(&pool).client_id(id).send().await.unwrap_err();
        assert_eq!(error_of(e), expected);
        let e = s.client.update_user_pool_client().user_pool_id(&pool).client_id(id).send().await.unwrap_err();
        assert_eq!(error_of(e), expected);
        let e = s.client.delete_user_pool_client().user_pool_id(&pool).client_id(id).send().await.unwrap_err();
        assert_eq!(error_of(e), expected);
    }
    // The foreign client is untouched.
    s.client.describe_user_pool_client().user_pool_id(&other).client_id(&foreign_id).send().await.unwrap();
}

#[tokio::test]
async fn clients_are_listed_in_pages_and_deleted() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let mut ids = HashSet::new();
    for i in 0..5 {
        let c =
            s.client.create_user_pool_client().user_pool_id(&pool).client_name(format!("c{i}")).send().await.unwrap();
        ids.insert(c.user_pool_client().unwrap().client_id().unwrap().to_string());
    }
    let pages: Vec<_> = s
        .client
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 3);
    let seen: HashSet<_> = pages
        .into_iter()
        .flat_map(|p| {
            p.unwrap().user_pool_clients().iter().map(|c| c.client_id().unwrap().to_string()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(seen, ids);
    let victim = ids.iter().next().unwrap().clone();
    s.client.delete_user_pool_client().user_pool_id(&pool).client_id(&victim).send().await.unwrap();
    let left = s.client.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(left.user_pool_clients().len(), 4);
    assert!(left.user_pool_clients().iter().all(|c| c.client_id() != Some(victim.as_str())));
}
