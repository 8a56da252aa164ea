//! GetUserAttributeVerificationCode and VerifyUserAttribute to the letter, with the attribute
//! updates around them.

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, spawn, TestServer, PASSWORD};

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

/// A confirmed, signed-in user; returns (pool, access token).
async fn signed_in(
    s: &TestServer,
    configure: impl FnOnce(
        aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
    ) -> aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
    attributes: &[(&str, &str)],
) -> (String, String) {
    let (pool, client) = s.pool_and_client(configure).await;
    s.confirmed_user(&pool, "jane", attributes).await;
    let t = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    (pool, t.access_token().unwrap().to_string())
}

async fn get_code(s: &TestServer, token: &str, name: &str) -> Result<CodeDeliveryDetailsType, (String, String)> {
    s.client
        .get_user_attribute_verification_code()
        .access_token(token)
        .attribute_name(name)
        .send()
        .await
        .map(|o| o.code_delivery_details.unwrap())
        .map_err(error_of)
}

async fn verify(s: &TestServer, token: &str, name: &str, code: &str) -> Result<(), (String, String)> {
    s.client
        .verify_user_attribute()
        .access_token(token)
        .attribute_name(name)
        .code(code)
        .send()
        .await
        .map(|_| ())
        .map_err(error_of)
}

fn other_than(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

async fn attribute(s: &TestServer, token: &str, name: &str) -> Option<String> {
    let me = s.client.get_user().access_token(token).send().await.unwrap();
    me.user_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value()).map(str::to_string)
}

#[tokio::test]
async fn an_email_code_is_sent_masked_and_verifies_the_email_once() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "jane.doe@example.com")]).await;
    let d = get_code(&s, &token, "email").await.unwrap();
    assert_eq!(d.attribute_name(), Some("email"));
    assert_eq!(d.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(d.destination(), Some("j***@e***"));
    let m = s.messages("destination=jane.doe%40example.com").await;
    assert_eq!(m[0]["subject"], "Your verification code");
    let code = s.latest_code("jane.doe@example.com").await;
    assert_eq!(
        verify(&s, &token, "email", other_than(&code)).await.unwrap_err(),
        ("CodeMismatchException".into(), "Invalid verification code provided, please try again.".into())
    );
    assert_ne!(attribute(&s, &token, "email_verified").await, Some("true".into()));
    verify(&s, &token, "email", &code).await.unwrap();
    assert_eq!(attribute(&s, &token, "email_verified").await, Some("true".into()));
    assert_eq!(
        verify(&s, &token, "email", &code).await.unwrap_err(),
        ("ExpiredCodeException".into(), "Invalid code provided, please request a code again.".into())
    );
    // An already verified, unchanged attribute may get (and use) a new code.
    get_code(&s, &token, "email").await.unwrap();
    verify(&s, &token, "email", &s.latest_code("jane.doe@example.com").await).await.unwrap();
}

#[tokio::test]
async fn phone_codes_go_by_sms_and_are_independent_of_email_codes() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com"), ("phone_number", "+15555551234")]).await;
    let d = get_code(&s, &token, "phone_number").await.unwrap();
    assert_eq!(d.delivery_medium(), Some(&DeliveryMediumType::Sms));
    assert_eq!(d.destination(), Some("+*******1234"));
    let phone_code = s.latest_code("+15555551234").await;
    get_code(&s, &token, "email").await.unwrap();
    let email_code = s.latest_code("j@example.com").await;
    // The phone code does not verify the email, and the email code does not replace the phone's.
    if phone_code != email_code {
        assert_eq!(verify(&s, &token, "email", &phone_code).await.unwrap_err().0, "CodeMismatchException");
    }
    verify(&s, &token, "phone_number", &phone_code).await.unwrap();
    verify(&s, &token, "email", &email_code).await.unwrap();
    assert_eq!(attribute(&s, &token, "phone_number_verified").await, Some("true".into()));
}

#[tokio::test]
async fn only_email_and_phone_number_can_be_verified_and_only_when_set() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    for name in ["name", "custom:team", "email_verified"] {
        assert_eq!(
            get_code(&s, &token, name).await.unwrap_err(),
            (
                "InvalidParameterException".into(),
                "Invalid attribute name. Only phone_number and email can be verified.".into()
            )
        );
        assert_eq!(verify(&s, &token, name, "123456").await.unwrap_err().0, "InvalidParameterException");
    }
    assert_eq!(
        get_code(&s, &token, "phone_number").await.unwrap_err(),
        ("InvalidParameterException".into(), "User does not have a valid registered phone number".into())
    );
    let (_, token) = signed_in(&s, |b| b, &[]).await;
    assert_eq!(
        get_code(&s, &token, "email").await.unwrap_err(),
        ("InvalidParameterException".into(), "User does not have a valid registered email address".into())
    );
}

#[tokio::test]
async fn the_newest_code_replaces_older_ones_and_codes_expire_after_24_hours() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    get_code(&s, &token, "email").await.unwrap();
    let first = s.latest_code("j@example.com").await;
    get_code(&s, &token, "email").await.unwrap();
    let second = s.latest_code("j@example.com").await;
    if first != second {
        assert_eq!(verify(&s, &token, "email", &first).await.unwrap_err().0, "CodeMismatchException");
    }
    s.clock.advance(24 * 3600 * 1000);
    // The token has expired too by now; sign in again to present the code.
    assert_eq!(
        error_of(s.client.get_user().access_token(&token).send().await.unwrap_err()).1,
        "Access Token has expired"
    );
}

#[tokio::test]
async fn a_code_older_than_24_hours_is_expired() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    s.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("jane")
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", "j@example.com"))
        .send()
        .await
        .unwrap();
    s.client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("jane")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let sign_in = || async {
        s.client
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "jane")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap()
            .access_token
            .unwrap()
    };
    let token = sign_in().await;
    get_code(&s, &token, "email").await.unwrap();
    let code = s.latest_code("j@example.com").await;
    s.clock.advance(24 * 3600 * 1000);
    let token = sign_in().await;
    assert_eq!(
        verify(&s, &token, "email", &code).await.unwrap_err(),
        ("ExpiredCodeException".into(), "Invalid code provided, please request a code again.".into())
    );
}

#[tokio::test]
async fn more_than_five_codes_an_hour_exceed_the_limit() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    for _ in 0..5 {
        get_code(&s, &token, "email").await.unwrap();
    }
    assert_eq!(
        get_code(&s, &token, "email").await.unwrap_err(),
        ("LimitExceededException".into(), "Attempt limit exceeded, please try after some time.".into())
    );
    assert_eq!(s.messages("destination=j%40example.com").await.len(), 5, "the refused request sent nothing");
    s.clock.advance(3600 * 1000 - 1000);
    assert_eq!(get_code(&s, &token, "email").await.unwrap_err().0, "LimitExceededException");
}

#[tokio::test]
async fn more_than_fifteen_verifications_an_hour_exceed_the_limit() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    for _ in 0..15 {
        let e = verify(&s, &token, "email", "123456").await.unwrap_err();
        assert!(matches!(e.0.as_str(), "ExpiredCodeException" | "CodeMismatchException"), "{e:?}");
    }
    assert_eq!(verify(&s, &token, "email", "123456").await.unwrap_err().0, "LimitExceededException");
}

#[tokio::test]
async fn two_concurrent_verifications_of_one_code_succeed_exactly_once() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    get_code(&s, &token, "email").await.unwrap();
    let code = s.latest_code("j@example.com").await;
    let (a, b) = tokio::join!(verify(&s, &token, "email", &code), verify(&s, &token, "email", &code));
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let failure = a.err().or(b.err()).unwrap();
    assert_eq!(failure.0, "ExpiredCodeException");
}

#[tokio::test]
async fn a_pending_email_gets_the_code_and_replaces_the_old_one_only_when_verified() {
    let s = spawn().await;
    let (pool, token) = signed_in(
        &s,
        |b| {
            b.auto_verified_attributes(VerifiedAttributeType::Email).user_attribute_update_settings(
                UserAttributeUpdateSettingsType::builder()
                    .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                    .build(),
            )
        },
        &[("email", "old@example.com"), ("email_verified", "true")],
    )
    .await;
    let out = s
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let list = out.code_delivery_details_list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].destination(), Some("n***@e***"));
    assert_eq!(attribute(&s, &token, "email").await.as_deref(), Some("old@example.com"), "the old value stays");
    assert_eq!(attribute(&s, &token, "email_verified").await.as_deref(), Some("true"));
    // A new request also goes to the pending value.
    let d = get_code(&s, &token, "email").await.unwrap();
    assert_eq!(d.destination(), Some("n***@e***"));
    let code = s.latest_code("new@example.com").await;
    verify(&s, &token, "email", &code).await.unwrap();
    assert_eq!(attribute(&s, &token, "email").await.as_deref(), Some("new@example.com"));
    assert_eq!(attribute(&s, &token, "email_verified").await.as_deref(), Some("true"));
    let u = s.client.admin_get_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert!(u.user_attributes().iter().any(|a| a.name() == "email" && a.value() == Some("new@example.com")));
}

#[tokio::test]
async fn without_verification_before_update_a_new_email_applies_at_once_unverified() {
    let s = spawn().await;
    let (_, token) = signed_in(
        &s,
        |b| b.auto_verified_attributes(VerifiedAttributeType::Email),
        &[("email", "old@example.com"), ("email_verified", "true")],
    )
    .await;
    let out = s
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "new@example.com"))
        .user_attributes(attr("name", "Jane"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list().len(), 1);
    assert_eq!(attribute(&s, &token, "email").await.as_deref(), Some("new@example.com"));
    assert_eq!(attribute(&s, &token, "email_verified").await.as_deref(), Some("false"));
    assert_eq!(attribute(&s, &token, "name").await.as_deref(), Some("Jane"));
    verify(&s, &token, "email", &s.latest_code("new@example.com").await).await.unwrap();
    // A blank value deletes; DeleteUserAttributes too.
    s.client.update_user_attributes().access_token(&token).user_attributes(attr("name", "")).send().await.unwrap();
    assert_eq!(attribute(&s, &token, "name").await, None);
    s.client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("nickname", "jj"))
        .send()
        .await
        .unwrap();
    s.client.delete_user_attributes().access_token(&token).user_attribute_names("nickname").send().await.unwrap();
    assert_eq!(attribute(&s, &token, "nickname").await, None);
    let e =
        s.client.update_user_attributes().access_token(&token).user_attributes(attr("custom:nope", "1")).send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "InvalidParameterException");
}

#[tokio::test]
async fn tokens_of_deleted_users_and_pools_get_the_real_errors() {
    let s = spawn().await;
    let (pool, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    s.client.admin_delete_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(
        get_code(&s, &token, "email").await.unwrap_err(),
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
    let (pool, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    s.client.delete_user_pool().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(get_code(&s, &token, "email").await.unwrap_err().0, "ResourceNotFoundException");
    assert_eq!(
        get_code(&s, "garbage.token.here", "email").await.unwrap_err(),
        ("NotAuthorizedException".into(), "Invalid Access Token".into())
    );
}

#[tokio::test]
async fn a_long_token_is_never_echoed_in_validation_errors() {
    let s = spawn().await;
    let r = s
        .raw(
            Some("GetUserAttributeVerificationCode"),
            "application/x-amz-json-1.1",
            r#"{"AccessToken": "secret token with spaces", "AttributeName": ""}"#,
        )
        .await;
    let m = r.assert_error(400, "InvalidParameterException");
    assert!(!m.contains("secret token"), "{m}");
    assert!(m.starts_with("3 validation errors detected: "), "{m}");
}

#[tokio::test]
async fn configured_rates_answer_too_many_requests() {
    let s = crate::harness::spawn_with(|settings| {
        settings.quotas =
            cognate_server::config::QuotaSetting::Custom([("UserResourceRead".to_string(), 1)].into_iter().collect());
    })
    .await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    get_code(&s, &token, "email").await.unwrap();
    // One request per second: of the next few, made back to back, some must be refused (all of
    // them unless the machine stalls for a second between two).
    let mut refused = Vec::new();
    for _ in 0..4 {
        if let Err(e) = get_code(&s, &token, "email").await {
            refused.push(e);
        }
    }
    assert!(!refused.is_empty());
    let rate_exceeded = ("TooManyRequestsException".to_string(), "Rate exceeded".to_string());
    assert!(refused.iter().all(|e| *e == rate_exceeded), "{refused:?}");
    // Other categories are not limited.
    for _ in 0..3 {
        s.client.get_user().access_token(&token).send().await.unwrap();
    }
}

#[tokio::test]
async fn the_hourly_limit_is_configurable() {
    let s = crate::harness::spawn_with(|settings| {
        settings.limits.get_code = cognate_core::Limit { max: 2, window_millis: 60_000 };
    })
    .await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    get_code(&s, &token, "email").await.unwrap();
    get_code(&s, &token, "email").await.unwrap();
    assert_eq!(get_code(&s, &token, "email").await.unwrap_err().0, "LimitExceededException");
    s.clock.advance(60_000);
    get_code(&s, &token, "email").await.unwrap();
}

#[tokio::test]
async fn an_attribute_code_is_burnt_after_five_wrong_guesses() {
    let s = spawn().await;
    let (_, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    get_code(&s, &token, "email").await.unwrap();
    let code = s.latest_code("j@example.com").await;
    for _ in 0..5 {
        assert_eq!(verify(&s, &token, "email", other_than(&code)).await.unwrap_err().0, "CodeMismatchException");
    }
    assert_eq!(verify(&s, &token, "email", &code).await.unwrap_err().0, "ExpiredCodeException");
}

#[tokio::test]
async fn a_token_without_the_admin_scope_is_refused_with_the_real_text() {
    use cognate_core::tokens::SigningKey;
    let s = spawn().await;
    let (pool, token) = signed_in(&s, |b| b, &[("email", "j@example.com")]).await;
    // Sign a token as the pool would for a hosted-UI sign-in that did not ask for the scope,
    // with the pool's own key read from the database.
    let db = s.db().await;
    let (kid, der): (String, Vec<u8>) = sqlx::query_as("SELECT kid, private_key FROM signing_keys WHERE pool_id = $1")
        .bind(&pool)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    // Stored sealed: opened with the test servers' key-encryption key.
    let kek = cognate_server::keys::decode_kek(crate::harness::TEST_KEK).unwrap();
    let vault = cognate_core::vault::Vault::new(&kek).unwrap();
    let der = vault.open(&cognate_core::vault::signing_key_context(&pool, &kid), &der).unwrap();
    let key = SigningKey::from_pkcs8(kid, &der).unwrap();
    let mut claims = crate::harness::jwt_payload(&token);
    claims["scope"] = "openid email".into();
    let forged = key.sign(&claims).unwrap();
    assert_eq!(
        get_code(&s, &forged, "email").await.unwrap_err(),
        ("NotAuthorizedException".into(), "Access Token does not have required scopes".into())
    );
    // The same claims with the scope pass: only the scope made the difference.
    claims["scope"] = "aws.cognito.signin.user.admin".into();
    let good = key.sign(&claims).unwrap();
    get_code(&s, &good, "email").await.unwrap();
}
