//! Sign-in by password, SRP and refresh token; the tokens, their verification with the
//! service's texts, revocation, JWKS and discovery.

use aws_sdk_cognitoidentityprovider::types::*;
use base64::Engine;

use crate::harness::{error_of, jwt_payload, spawn, TestServer, PASSWORD};

/// A confirmed user `name` with an email, in a fresh pool; returns (pool, client).
async fn confirmed_user(s: &TestServer, name: &str) -> (String, String) {
    let (pool, client) = s.pool_and_client(|b| b).await;
    let email = format!("{name}@example.com");
    s.confirmed_user(&pool, name, &[("email", &email), ("email_verified", "true")]).await;
    (pool, client)
}

async fn password_sign_in(
    s: &TestServer,
    client: &str,
    user: &str,
    password: &str,
) -> Result<AuthenticationResultType, (String, String)> {
    s.password_sign_in(client, user, password).await
}

async fn get_user_error(s: &TestServer, token: &str) -> (String, String) {
    error_of(s.client.get_user().access_token(token).send().await.unwrap_err())
}

#[tokio::test]
async fn a_password_sign_in_returns_tokens_that_get_user_accepts() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let t = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    assert_eq!(t.token_type(), Some("Bearer"));
    assert_eq!(t.expires_in(), 3600);
    let access = t.access_token().unwrap();
    let claims = jwt_payload(access);
    let issuer = format!("{}/{pool}", s.url);
    assert_eq!(claims["iss"], issuer.as_str());
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(claims["client_id"], client.as_str());
    assert_eq!(claims["username"], "jane");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
    let id = jwt_payload(t.id_token().unwrap());
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["cognito:username"], "jane");
    assert_eq!(id["email"], "jane@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["sub"], claims["sub"]);

    let me = s.client.get_user().access_token(access).send().await.unwrap();
    assert_eq!(me.username(), "jane");
    assert!(me.user_attributes().iter().any(|a| a.name() == "email" && a.value() == Some("jane@example.com")));

    // The token's key is in the pool's JWKS, and discovery names the same issuer.
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(access.split('.').next().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwks: serde_json::Value =
        s.http.get(format!("{issuer}/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    assert!(jwks["keys"].as_array().unwrap().iter().any(|k| k["kid"] == header["kid"] && k["e"] == "AQAB"));
    let discovery: serde_json::Value =
        s.http.get(format!("{issuer}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
}

#[tokio::test]
async fn wrong_passwords_unknown_users_and_disabled_flows_are_refused_with_the_real_texts() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    assert_eq!(
        password_sign_in(&s, &client, "jane", "Wr0ng-password!").await.unwrap_err(),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
    assert_eq!(
        password_sign_in(&s, &client, "nobody", PASSWORD).await.unwrap_err(),
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
    let hidden = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("hidden")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let hidden = hidden.user_pool_client().unwrap().client_id().unwrap();
    assert_eq!(
        password_sign_in(&s, hidden, "nobody", PASSWORD).await.unwrap_err(),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
    let srp_only = s.client.create_user_pool_client().user_pool_id(&pool).client_name("srp").send().await.unwrap();
    let srp_only = srp_only.user_pool_client().unwrap().client_id().unwrap();
    assert_eq!(
        password_sign_in(&s, srp_only, "jane", PASSWORD).await.unwrap_err(),
        ("InvalidParameterException".into(), "USER_PASSWORD_AUTH flow not enabled for this client".into())
    );
    s.client.admin_disable_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(
        password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap_err(),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
}

#[tokio::test]
async fn unconfirmed_users_cannot_sign_in() {
    let s = spawn().await;
    let (_, client) = s.pool_and_client(|b| b).await;
    s.client.sign_up().client_id(&client).username("new").password(PASSWORD).send().await.unwrap();
    assert_eq!(
        password_sign_in(&s, &client, "new", PASSWORD).await.unwrap_err(),
        ("UserNotConfirmedException".into(), "User is not confirmed.".into())
    );
}

async fn srp_sign_in(
    s: &TestServer,
    client: &str,
    pool: &str,
    user: &str,
    password: &str,
) -> Result<AuthenticationResultType, (String, String)> {
    crate::harness::srp_sign_in((&s.client, &s.client), client, pool, user, password, s.clock.now_millis()).await
}

use cognate_core::ports::Clock;

#[tokio::test]
async fn srp_sign_in_succeeds_with_the_right_password_only() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let t = srp_sign_in(&s, &client, &pool, "jane", PASSWORD).await.unwrap();
    s.client.get_user().access_token(t.access_token().unwrap()).send().await.unwrap();
    assert_eq!(
        srp_sign_in(&s, &client, &pool, "jane", "Wr0ng-password!").await.unwrap_err(),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
}

#[tokio::test]
async fn refresh_tokens_mint_new_access_tokens_until_global_sign_out_revokes_everything() {
    let s = spawn().await;
    let (_, client) = confirmed_user(&s, "jane").await;
    let t = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    let refresh = t.refresh_token().unwrap().to_string();
    s.clock.advance(60_000);
    let r = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await
        .unwrap();
    let renewed = r.authentication_result().unwrap();
    let other =
        s.client.get_tokens_from_refresh_token().client_id(&client).refresh_token(&refresh).send().await.unwrap();
    s.client
        .get_user()
        .access_token(other.authentication_result().unwrap().access_token().unwrap())
        .send()
        .await
        .unwrap();
    assert!(renewed.refresh_token().is_none());
    let new_access = renewed.access_token().unwrap();
    assert_eq!(jwt_payload(new_access)["auth_time"], jwt_payload(t.access_token().unwrap())["auth_time"]);
    s.client.get_user().access_token(new_access).send().await.unwrap();

    s.client.global_sign_out().access_token(new_access).send().await.unwrap();
    for token in [t.access_token().unwrap(), new_access] {
        assert_eq!(
            get_user_error(&s, token).await,
            ("NotAuthorizedException".into(), "Access Token has been revoked".into())
        );
    }
    let e = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()), ("NotAuthorizedException".into(), "Invalid Refresh Token".into()));
    // GetTokensFromRefreshToken refuses the revoked token too.
    let e = s.client.get_tokens_from_refresh_token().client_id(&client).refresh_token(&refresh).send().await;
    assert_eq!(error_of(e.unwrap_err()).1, "Invalid Refresh Token");
    // A new sign-in works again.
    let again = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    s.client.get_user().access_token(again.access_token().unwrap()).send().await.unwrap();
}

#[tokio::test]
async fn expired_tampered_foreign_and_id_tokens_are_refused_with_the_right_text() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let t = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    let access = t.access_token().unwrap();
    let invalid = ("NotAuthorizedException".to_string(), "Invalid Access Token".to_string());

    assert_eq!(get_user_error(&s, t.id_token().unwrap()).await, invalid, "an ID token is no access token");
    let parts: Vec<&str> = access.split('.').collect();
    let mut claims = jwt_payload(access);
    claims["username"] = "someone-else".into();
    let forged_payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_eq!(get_user_error(&s, &format!("{}.{forged_payload}.{}", parts[0], parts[2])).await, invalid);
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
    assert_eq!(get_user_error(&s, &format!("{none_header}.{}.", parts[1])).await, invalid);
    assert_eq!(get_user_error(&s, "not.a.token").await, invalid);

    // A token of another pool, presented as this pool's (same iss), fails its signature.
    let (other_pool, other_client) = confirmed_user(&s, "mallory").await;
    let other = password_sign_in(&s, &other_client, "mallory", PASSWORD).await.unwrap();
    let other_access = other.access_token().unwrap();
    let mut c = jwt_payload(other_access);
    c["iss"] = format!("{}/{pool}", s.url).into();
    let op: Vec<&str> = other_access.split('.').collect();
    let moved = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string());
    assert_eq!(get_user_error(&s, &format!("{}.{moved}.{}", op[0], op[2])).await, invalid);
    assert_ne!(other_pool, pool);

    s.clock.advance(3600 * 1000 + 1000);
    assert_eq!(get_user_error(&s, access).await, ("NotAuthorizedException".into(), "Access Token has expired".into()));
}

#[tokio::test]
async fn deleting_a_user_ends_its_tokens() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let t = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    s.client.delete_user().access_token(t.access_token().unwrap()).send().await.unwrap();
    let e = s.client.admin_get_user().user_pool_id(&pool).username("jane").send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "UserNotFoundException");
    assert_eq!(
        get_user_error(&s, t.access_token().unwrap()).await,
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
}

#[tokio::test]
async fn admin_sign_in_checks_the_client_belongs_to_the_pool() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let ok = s
        .client
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(ok.authentication_result().unwrap().id_token().is_some());
    let other = s.pool("other").await;
    let e = s
        .client
        .admin_initiate_auth()
        .user_pool_id(&other)
        .client_id(&client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn the_aws_issuer_form_can_be_chosen() {
    let s = crate::harness::spawn_with(|s| {
        s.region = "eu-west-1".into();
        s.aws_issuer = true;
    })
    .await;
    let client = s.client.clone();
    let pool = client.create_user_pool().pool_name("p").send().await.unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_string();
    assert!(pool_id.starts_with("eu-west-1_"));
    let c = client
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("c")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap();
    let client_id = c.user_pool_client().unwrap().client_id().unwrap().to_string();
    client
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("u")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    client
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("u")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let t = client
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "u")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let access = t.authentication_result().unwrap().access_token().unwrap();
    assert_eq!(jwt_payload(access)["iss"], format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}"));
    client.get_user().access_token(access).send().await.unwrap();
    let discovery: serde_json::Value = reqwest::get(format!("{}/{pool_id}/.well-known/openid-configuration", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}"));
}

#[tokio::test]
async fn temporary_passwords_expire_and_token_lifetimes_follow_the_client() {
    let s = spawn().await;
    let (pool, _) = s.pool_and_client(|b| b).await;
    let c = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("short")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .access_token_validity(5)
        .id_token_validity(10)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let client = c.user_pool_client().unwrap().client_id().unwrap().to_string();
    s.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("temp")
        .temporary_password("Temp0rary!pw")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    s.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("done")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    s.client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("done")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let t = password_sign_in(&s, &client, "done", PASSWORD).await.unwrap();
    assert_eq!(t.expires_in(), 300);
    let id = jwt_payload(t.id_token().unwrap());
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 600);

    s.clock.advance(7 * 86_400_000 + 1000);
    let e = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "temp")
        .auth_parameters("PASSWORD", "Temp0rary!pw")
        .send()
        .await;
    assert_eq!(
        error_of(e.unwrap_err()),
        (
            "NotAuthorizedException".into(),
            "Temporary password has expired and must be reset by an administrator.".into()
        )
    );
}

#[tokio::test]
async fn disabling_a_user_revokes_its_tokens() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    let t = password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap();
    s.client.admin_disable_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(
        get_user_error(&s, t.access_token().unwrap()).await,
        ("NotAuthorizedException".into(), "Access Token has been revoked".into())
    );
}

#[tokio::test]
async fn the_messages_api_is_off_by_default_beyond_loopback() {
    let s = crate::harness::spawn_with(|s| {
        s.listen = "0.0.0.0:0".parse().unwrap();
        s.allow_unauthenticated_admin = true;
    })
    .await;
    let url = s.url.replace("0.0.0.0", "127.0.0.1");
    let r = reqwest::get(format!("{url}/_cognate/messages")).await.unwrap();
    assert_eq!(r.status(), 404);
    let r = reqwest::get(format!("{url}/_aws/ses")).await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn with_existence_errors_hidden_an_unknown_user_gets_a_challenge_that_fails_like_a_wrong_password() {
    let s = spawn().await;
    let (pool, _) = confirmed_user(&s, "jane").await;
    let hidden = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("hidden")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let hidden = hidden.user_pool_client().unwrap().client_id().unwrap().to_string();
    let incorrect = ("NotAuthorizedException".to_string(), "Incorrect username or password.".to_string());
    assert_eq!(srp_sign_in(&s, &hidden, &pool, "nobody", PASSWORD).await.unwrap_err(), incorrect);
    assert_eq!(srp_sign_in(&s, &hidden, &pool, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect);
    srp_sign_in(&s, &hidden, &pool, "jane", PASSWORD).await.unwrap();
    // Without the setting, the unknown user is named as such.
    let (_, plain) = s.pool_and_client(|b| b).await;
    assert_eq!(
        srp_sign_in(&s, &plain, &pool, "nobody", PASSWORD).await.unwrap_err(),
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
}

fn incorrect() -> (String, String) {
    ("NotAuthorizedException".into(), "Incorrect username or password.".into())
}

fn exceeded() -> (String, String) {
    ("NotAuthorizedException".into(), "Password attempts exceeded".into())
}

#[tokio::test]
async fn five_wrong_passwords_lock_sign_in_for_a_second_then_the_lock_doubles() {
    let s = spawn().await;
    let (_, client) = confirmed_user(&s, "jane").await;
    for _ in 0..5 {
        assert_eq!(password_sign_in(&s, &client, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect());
    }
    // Locked: even the right password is refused, and nothing is counted meanwhile.
    assert_eq!(password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap_err(), exceeded());
    s.clock.advance(1_100);
    // The sixth failure locks for two seconds.
    assert_eq!(password_sign_in(&s, &client, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect());
    s.clock.advance(1_500);
    assert_eq!(password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap_err(), exceeded());
    s.clock.advance(600);
    password_sign_in(&s, &client, "jane", PASSWORD).await.expect("the lock is over");
    // A proven password clears the count: five more failures before the next lock.
    for _ in 0..5 {
        assert_eq!(password_sign_in(&s, &client, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect());
    }
    assert_eq!(password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap_err(), exceeded());
}

#[tokio::test]
async fn wrong_srp_claims_count_toward_the_lock_and_the_lock_stops_srp_too() {
    let s = spawn().await;
    let (pool, client) = confirmed_user(&s, "jane").await;
    for _ in 0..5 {
        assert_eq!(srp_sign_in(&s, &client, &pool, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect());
    }
    assert_eq!(password_sign_in(&s, &client, "jane", PASSWORD).await.unwrap_err(), exceeded());
    assert_eq!(srp_sign_in(&s, &client, &pool, "jane", PASSWORD).await.unwrap_err(), exceeded());
    s.clock.advance(1_100);
    srp_sign_in(&s, &client, &pool, "jane", PASSWORD).await.expect("the lock is over");
}

#[tokio::test]
async fn with_existence_errors_hidden_an_unknown_user_reads_as_a_wrong_password() {
    let s = spawn().await;
    let (pool, _) = confirmed_user(&s, "jane").await;
    let hidden = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("hidden")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let hidden = hidden.user_pool_client().unwrap().client_id().unwrap().to_string();
    assert_eq!(password_sign_in(&s, &hidden, "nobody", PASSWORD).await.unwrap_err(), incorrect());
    assert_eq!(password_sign_in(&s, &hidden, "jane", "Wr0ng-password!").await.unwrap_err(), incorrect());
}
