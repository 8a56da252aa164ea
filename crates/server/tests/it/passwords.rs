//! Passwords after sign-up: ChangePassword, ForgotPassword / ConfirmForgotPassword,
//! AdminResetUserPassword; and revocation by an admin or RevokeToken.

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, spawn, TestServer, PASSWORD};

const NEW_PASSWORD: &str = "N3w-password!";

async fn user(s: &TestServer, verified_email: bool) -> (String, String) {
    let (pool, client) = s.pool_and_client(|b| b).await;
    let verified = verified_email.to_string();
    s.confirmed_user(&pool, "jane", &[("email", "jane@example.com"), ("email_verified", &verified)]).await;
    (pool, client)
}

async fn sign_in(s: &TestServer, client: &str, password: &str) -> Result<AuthenticationResultType, (String, String)> {
    s.password_sign_in(client, "jane", password).await
}

#[tokio::test]
async fn change_password_needs_the_current_password_and_the_policy() {
    let s = spawn().await;
    let (_, client) = user(&s, true).await;
    let token = sign_in(&s, &client, PASSWORD).await.unwrap().access_token.unwrap();
    let e = s
        .client
        .change_password()
        .access_token(&token)
        .previous_password("Wr0ng-pass!")
        .proposed_password(NEW_PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    let e = s
        .client
        .change_password()
        .access_token(&token)
        .previous_password(PASSWORD)
        .proposed_password("short")
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "InvalidPasswordException");
    s.client
        .change_password()
        .access_token(&token)
        .previous_password(PASSWORD)
        .proposed_password(NEW_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in(&s, &client, PASSWORD).await.unwrap_err().0, "NotAuthorizedException");
    sign_in(&s, &client, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_code_sent_to_the_verified_email() {
    let s = spawn().await;
    let (_, client) = user(&s, true).await;
    let out = s.client.forgot_password().client_id(&client).username("jane").send().await.unwrap();
    let d = out.code_delivery_details().unwrap();
    assert_eq!((d.destination(), d.delivery_medium()), (Some("j***@e***"), Some(&DeliveryMediumType::Email)));
    let code = s.latest_code("jane@example.com").await;
    let e = s
        .client
        .confirm_forgot_password()
        .client_id(&client)
        .username("jane")
        .confirmation_code(if code == "000000" { "111111" } else { "000000" })
        .password(NEW_PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "CodeMismatchException");
    s.client
        .confirm_forgot_password()
        .client_id(&client)
        .username("jane")
        .confirmation_code(&code)
        .password(NEW_PASSWORD)
        .send()
        .await
        .unwrap();
    sign_in(&s, &client, NEW_PASSWORD).await.unwrap();
    // Used once.
    let e = s
        .client
        .confirm_forgot_password()
        .client_id(&client)
        .username("jane")
        .confirmation_code(&code)
        .password(PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "ExpiredCodeException");
}

#[tokio::test]
async fn forgot_password_codes_expire_after_an_hour_and_need_a_verified_destination() {
    let s = spawn().await;
    let (_, client) = user(&s, true).await;
    s.client.forgot_password().client_id(&client).username("jane").send().await.unwrap();
    let code = s.latest_code("jane@example.com").await;
    s.clock.advance(3600 * 1000);
    let e = s
        .client
        .confirm_forgot_password()
        .client_id(&client)
        .username("jane")
        .confirmation_code(&code)
        .password(NEW_PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "ExpiredCodeException");

    let s2 = spawn().await;
    let (_, client2) = user(&s2, false).await;
    let e = s2.client.forgot_password().client_id(&client2).username("jane").send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        (
            "InvalidParameterException".into(),
            "Cannot reset password for the user as there is no registered/verified email or phone_number".into()
        )
    );
}

#[tokio::test]
async fn an_admin_reset_revokes_tokens_and_requires_a_new_password() {
    let s = spawn().await;
    let (pool, client) = user(&s, true).await;
    let token = sign_in(&s, &client, PASSWORD).await.unwrap().access_token.unwrap();
    s.client.admin_reset_user_password().user_pool_id(&pool).username("jane").send().await.unwrap();
    let e = s.client.get_user().access_token(&token).send().await;
    assert_eq!(error_of(e.unwrap_err()), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
    assert_eq!(
        sign_in(&s, &client, PASSWORD).await.unwrap_err(),
        ("PasswordResetRequiredException".into(), "Password reset required for the user".into())
    );
    let u = s.client.admin_get_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(u.user_status(), Some(&UserStatusType::ResetRequired));
    let code = s.latest_code("jane@example.com").await;
    s.client
        .confirm_forgot_password()
        .client_id(&client)
        .username("jane")
        .confirmation_code(code)
        .password(NEW_PASSWORD)
        .send()
        .await
        .unwrap();
    sign_in(&s, &client, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn admin_global_sign_out_and_revoke_token_end_sessions() {
    let s = spawn().await;
    let (pool, client) = user(&s, true).await;
    let a = sign_in(&s, &client, PASSWORD).await.unwrap();
    let b = sign_in(&s, &client, PASSWORD).await.unwrap();
    // RevokeToken ends one session: its refresh token and the access token minted from it.
    s.client.revoke_token().client_id(&client).token(a.refresh_token().unwrap()).send().await.unwrap();
    let e = s.client.get_user().access_token(a.access_token().unwrap()).send().await;
    assert_eq!(error_of(e.unwrap_err()).1, "Access Token has been revoked");
    s.client.get_user().access_token(b.access_token().unwrap()).send().await.unwrap();
    // AdminUserGlobalSignOut ends them all.
    s.client.admin_user_global_sign_out().user_pool_id(&pool).username("jane").send().await.unwrap();
    let e = s.client.get_user().access_token(b.access_token().unwrap()).send().await;
    assert_eq!(error_of(e.unwrap_err()).1, "Access Token has been revoked");
}
