//! Users: sign-up and confirmation with codes read from the messages API, admin creation and
//! the temporary-password flow, listing, and the service's errors.

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, spawn, TestServer};

const PASSWORD: &str = "Corr3ct-horse!";

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

async fn verifying_email_pool(s: &TestServer) -> (String, String) {
    s.pool_and_client(|b| b.auto_verified_attributes(VerifiedAttributeType::Email)).await
}

async fn sign_up(s: &TestServer, client_id: &str, username: &str, email: &str) -> String {
    let out = s
        .client
        .sign_up()
        .client_id(client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .send()
        .await
        .unwrap();
    out.user_sub().to_string()
}

#[tokio::test]
async fn sign_up_sends_a_code_that_confirms_the_user_and_verifies_the_email() {
    let s = spawn().await;
    let (pool, client) = verifying_email_pool(&s).await;
    let out = s
        .client
        .sign_up()
        .client_id(&client)
        .username("jane")
        .password(PASSWORD)
        .user_attributes(attr("email", "jane@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!out.user_confirmed());
    assert_eq!(out.user_sub().len(), 36);
    let d = out.code_delivery_details().unwrap();
    assert_eq!(d.destination(), Some("j***@e***"));
    assert_eq!(d.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(d.attribute_name(), Some("email"));

    let messages = s.messages("username=jane").await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["subject"], "Your verification code");
    assert_eq!(messages[0]["userPoolId"], pool.as_str());
    let code = s.latest_code("jane@example.com").await;
    assert_eq!(messages[0]["body"], format!("Your verification code is {code}. "));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = s.client.confirm_sign_up().client_id(&client).username("jane").confirmation_code(wrong).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("CodeMismatchException".into(), "Invalid verification code provided, please try again.".into())
    );
    s.client.confirm_sign_up().client_id(&client).username("jane").confirmation_code(&code).send().await.unwrap();

    let u = s.client.admin_get_user().user_pool_id(&pool).username("jane").send().await.unwrap();
    assert_eq!(u.user_status(), Some(&UserStatusType::Confirmed));
    let attrs: Vec<_> = u.user_attributes().iter().map(|a| (a.name(), a.value().unwrap_or_default())).collect();
    assert!(attrs.contains(&("email_verified", "true")), "{attrs:?}");
    assert!(attrs.contains(&("sub", out.user_sub())));

    let e = s.client.confirm_sign_up().client_id(&client).username("jane").confirmation_code(&code).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("NotAuthorizedException".into(), "User cannot be confirmed. Current status is CONFIRMED".into())
    );
}

#[tokio::test]
async fn a_sign_up_code_expires_after_24_hours_and_a_resent_code_replaces_the_old_one() {
    let s = spawn().await;
    let (_, client) = verifying_email_pool(&s).await;
    sign_up(&s, &client, "bob", "bob@example.com").await;
    let first = s.latest_code("bob@example.com").await;
    s.clock.advance(24 * 3600 * 1000);
    let e = s.client.confirm_sign_up().client_id(&client).username("bob").confirmation_code(&first).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("ExpiredCodeException".into(), "Invalid code provided, please request a code again.".into())
    );
    let out = s.client.resend_confirmation_code().client_id(&client).username("bob").send().await.unwrap();
    assert_eq!(out.code_delivery_details().unwrap().destination(), Some("b***@e***"));
    let second = s.latest_code("bob@example.com").await;
    assert_eq!(s.messages("username=bob").await.len(), 2);
    if first != second {
        let e = s.client.confirm_sign_up().client_id(&client).username("bob").confirmation_code(&first).send().await;
        assert_eq!(error_of(e.unwrap_err()).0, "CodeMismatchException");
    }
    s.client.confirm_sign_up().client_id(&client).username("bob").confirmation_code(&second).send().await.unwrap();
}

#[tokio::test]
async fn a_code_is_burnt_after_five_wrong_guesses() {
    let s = spawn().await;
    let (_, client) = verifying_email_pool(&s).await;
    sign_up(&s, &client, "eve", "eve@example.com").await;
    let code = s.latest_code("eve@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let e = s.client.confirm_sign_up().client_id(&client).username("eve").confirmation_code(wrong).send().await;
        assert_eq!(error_of(e.unwrap_err()).0, "CodeMismatchException");
    }
    let e = s.client.confirm_sign_up().client_id(&client).username("eve").confirmation_code(&code).send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "ExpiredCodeException", "the right code no longer works");
}

#[tokio::test]
async fn sign_up_refuses_taken_names_weak_passwords_and_bad_attributes_and_stores_nothing() {
    let s = spawn().await;
    let (pool, client) = s
        .pool_and_client(|b| {
            b.auto_verified_attributes(VerifiedAttributeType::Email)
                .schema(SchemaAttributeType::builder().name("email").required(true).build())
        })
        .await;
    sign_up(&s, &client, "taken", "t@example.com").await;
    let e = s
        .client
        .sign_up()
        .client_id(&client)
        .username("taken")
        .password(PASSWORD)
        .user_attributes(attr("email", "x@example.com"))
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()), ("UsernameExistsException".into(), "User already exists".into()));
    let e = s
        .client
        .sign_up()
        .client_id(&client)
        .username("weak")
        .password("password")
        .user_attributes(attr("email", "w@example.com"))
        .send()
        .await;
    assert_eq!(
        error_of(e.unwrap_err()),
        (
            "InvalidPasswordException".into(),
            "Password did not conform with policy: Password must have numeric characters".into()
        )
    );
    let e = s.client.sign_up().client_id(&client).username("noemail").password(PASSWORD).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        (
            "InvalidParameterException".into(),
            "Attributes did not conform to the schema: email: The attribute is required".into()
        )
    );
    let e = s
        .client
        .sign_up()
        .client_id(&client)
        .username("odd")
        .password(PASSWORD)
        .user_attributes(attr("email", "o@example.com"))
        .user_attributes(attr("custom:nope", "1"))
        .send()
        .await;
    assert_eq!(
        error_of(e.unwrap_err()).1,
        "Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined"
    );
    let e = s.client.sign_up().client_id("1234567890abcdefghijklmnop").username("x").password(PASSWORD).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("ResourceNotFoundException".into(), "Username/client id combination not found.".into())
    );
    let listed = s.client.list_users().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(listed.users().len(), 1, "only the first sign-up was stored");
}

#[tokio::test]
async fn clients_with_a_secret_require_the_secret_hash() {
    let s = spawn().await;
    let pool = s.pool("p").await;
    let c = s
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .generate_secret(true)
        .send()
        .await
        .unwrap();
    let c = c.user_pool_client().unwrap();
    let (id, secret) = (c.client_id().unwrap(), c.client_secret().unwrap());
    let e = s.client.sign_up().client_id(id).username("u1").password(PASSWORD).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        (
            "NotAuthorizedException".into(),
            format!("Client {id} is configured with secret but SECRET_HASH was not received")
        )
    );
    let e = s.client.sign_up().client_id(id).username("u1").password(PASSWORD).secret_hash("AAAA").send().await;
    assert_eq!(error_of(e.unwrap_err()).1, format!("SecretHash does not match for the client: {id}"));
    let hash = cognate_core::auth::secret_hash::compute(secret, "u1", id);
    s.client.sign_up().client_id(id).username("u1").password(PASSWORD).secret_hash(hash).send().await.unwrap();
}

#[tokio::test]
async fn in_email_as_username_pools_the_username_is_the_sub_and_emails_are_unique() {
    let s = spawn().await;
    let (pool, client) = s
        .pool_and_client(|b| {
            b.username_attributes(UsernameAttributeType::Email).auto_verified_attributes(VerifiedAttributeType::Email)
        })
        .await;
    let out =
        s.client.sign_up().client_id(&client).username("ann@example.com").password(PASSWORD).send().await.unwrap();
    let sub = out.user_sub().to_string();
    let u = s.client.admin_get_user().user_pool_id(&pool).username("ann@example.com").send().await.unwrap();
    assert_eq!(u.username(), sub);
    let e = s.client.sign_up().client_id(&client).username("ann@example.com").password(PASSWORD).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("UsernameExistsException".into(), "An account with the given email already exists.".into())
    );
    let e = s.client.sign_up().client_id(&client).username("not-an-email").password(PASSWORD).send().await;
    assert_eq!(error_of(e.unwrap_err()), ("InvalidParameterException".into(), "Username should be an email.".into()));
}

#[tokio::test]
async fn admin_created_users_get_an_invitation_and_must_choose_a_new_password() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    let out = s
        .client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("newbie")
        .user_attributes(attr("email", "newbie@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let user = out.user().unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ForceChangePassword));
    assert!(user.enabled());
    let m = s.messages("destination=newbie%40example.com").await;
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["subject"], "Your temporary password");
    let body = m[0]["body"].as_str().unwrap();
    // The default invitation: "Your username is {username} and temporary password is {####}. "
    let temporary =
        body.strip_prefix("Your username is newbie and temporary password is ").unwrap().strip_suffix(". ").unwrap();
    let first = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "newbie")
        .auth_parameters("PASSWORD", temporary)
        .send()
        .await
        .unwrap();
    assert_eq!(first.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    assert!(first.authentication_result().is_none());
    let params = first.challenge_parameters().unwrap();
    assert_eq!(params.get("USER_ID_FOR_SRP").map(String::as_str), Some("newbie"));
    assert!(params.get("userAttributes").unwrap().contains("newbie@example.com"));
    let done = s
        .client
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(first.session().unwrap())
        .challenge_responses("USERNAME", "newbie")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result().unwrap().access_token().is_some());
    let u = s.client.admin_get_user().user_pool_id(&pool).username("newbie").send().await.unwrap();
    assert_eq!(u.user_status(), Some(&UserStatusType::Confirmed));
    // The session was used once.
    let e = s
        .client
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(first.session().unwrap())
        .challenge_responses("USERNAME", "newbie")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("NotAuthorizedException".into(), "Invalid session for the user, session is expired.".into())
    );
}

#[tokio::test]
async fn suppressed_invitations_send_nothing_and_admin_operations_manage_the_user() {
    let s = spawn().await;
    let (pool, _) = s.pool_and_client(|b| b).await;
    s.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("quiet")
        .temporary_password("Temp0rary!pw")
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", "quiet@example.com"))
        .send()
        .await
        .unwrap();
    assert!(s.messages("username=quiet").await.is_empty());
    let e = s.client.admin_create_user().user_pool_id(&pool).username("quiet").send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "UsernameExistsException");
    s.client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("quiet")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let u = s.client.admin_get_user().user_pool_id(&pool).username("quiet").send().await.unwrap();
    assert_eq!(u.user_status(), Some(&UserStatusType::Confirmed));
    s.client.admin_disable_user().user_pool_id(&pool).username("quiet").send().await.unwrap();
    assert!(!s.client.admin_get_user().user_pool_id(&pool).username("quiet").send().await.unwrap().enabled());
    s.client.admin_enable_user().user_pool_id(&pool).username("quiet").send().await.unwrap();
    s.client.admin_delete_user().user_pool_id(&pool).username("quiet").send().await.unwrap();
    let e = s.client.admin_get_user().user_pool_id(&pool).username("quiet").send().await;
    assert_eq!(error_of(e.unwrap_err()), ("UserNotFoundException".into(), "User does not exist.".into()));
    let e = s.client.admin_delete_user().user_pool_id(&pool).username("quiet").send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "UserNotFoundException");
}

#[tokio::test]
async fn unconfirmed_users_are_confirmed_by_an_admin() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    let out = s.client.sign_up().client_id(&client).username("later").password(PASSWORD).send().await.unwrap();
    assert!(out.code_delivery_details().is_none(), "the pool verifies nothing, so no code");
    s.client.admin_confirm_sign_up().user_pool_id(&pool).username("later").send().await.unwrap();
    let e = s.client.admin_confirm_sign_up().user_pool_id(&pool).username("later").send().await;
    assert_eq!(error_of(e.unwrap_err()).1, "User cannot be confirmed. Current status is CONFIRMED");
}

#[tokio::test]
async fn list_users_filters_by_exact_value_and_prefix_and_pages() {
    let s = spawn().await;
    let (pool, _) = s.pool_and_client(|b| b).await;
    for (name, email) in [("al", "al@a.com"), ("alice", "alice@b.com"), ("bob", "bob@a.com"), ("carol", "carol@c.com")]
    {
        s.client
            .admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", email))
            .send()
            .await
            .unwrap();
    }
    let names = |out: &aws_sdk_cognitoidentityprovider::operation::list_users::ListUsersOutput| {
        out.users().iter().map(|u| u.username().unwrap().to_string()).collect::<Vec<_>>()
    };
    let out = s.client.list_users().user_pool_id(&pool).filter("username ^= \"al\"").send().await.unwrap();
    assert_eq!(names(&out), ["al", "alice"]);
    let out = s.client.list_users().user_pool_id(&pool).filter("email = \"bob@a.com\"").send().await.unwrap();
    assert_eq!(names(&out), ["bob"]);
    let out = s
        .client
        .list_users()
        .user_pool_id(&pool)
        .filter("cognito:user_status = \"FORCE_CHANGE_PASSWORD\"")
        .attributes_to_get("email")
        .send()
        .await
        .unwrap();
    assert_eq!(out.users().len(), 4);
    assert!(out.users().iter().all(|u| u.attributes().len() == 1 && u.attributes()[0].name() == "email"));
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = s.client.list_users().user_pool_id(&pool).limit(3).set_pagination_token(token).send().await.unwrap();
        seen.extend(names(&page));
        token = page.pagination_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["al", "alice", "bob", "carol"]);
    let e = s.client.list_users().user_pool_id(&pool).filter("custom:x = \"1\"").send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "InvalidParameterException");
}

#[tokio::test]
async fn admins_update_and_delete_attributes_under_the_schema_rules() {
    let s = spawn().await;
    let (pool, client) = s
        .pool_and_client(|b| {
            b.username_attributes(UsernameAttributeType::Email).schema(
                SchemaAttributeType::builder()
                    .name("locked")
                    .attribute_data_type(AttributeDataType::String)
                    .mutable(false)
                    .build(),
            )
        })
        .await;
    for email in ["a@example.com", "b@example.com"] {
        s.client
            .sign_up()
            .client_id(&client)
            .username(email)
            .password(PASSWORD)
            .user_attributes(attr("custom:locked", "1"))
            .send()
            .await
            .unwrap();
    }
    s.client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("a@example.com")
        .user_attributes(attr("email_verified", "true"))
        .user_attributes(attr("name", "Ann"))
        .send()
        .await
        .unwrap();
    s.client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("a@example.com")
        .user_attributes(attr("email", "a2@example.com"))
        .send()
        .await
        .unwrap();
    let u = s.client.admin_get_user().user_pool_id(&pool).username("a2@example.com").send().await.unwrap();
    let get = |n: &str| u.user_attributes().iter().find(|a| a.name() == n).and_then(|a| a.value()).map(str::to_string);
    assert_eq!(get("email").as_deref(), Some("a2@example.com"));
    assert_eq!(get("email_verified").as_deref(), Some("false"), "a changed email is unverified");
    assert_eq!(get("name").as_deref(), Some("Ann"));

    let e = s
        .client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("a2@example.com")
        .user_attributes(attr("email", "b@example.com"))
        .send()
        .await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("UsernameExistsException".into(), "An account with the given email already exists.".into())
    );
    let e = s
        .client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("a2@example.com")
        .user_attributes(attr("custom:locked", "2"))
        .send()
        .await;
    assert_eq!(error_of(e.unwrap_err()).0, "InvalidParameterException");

    s.client
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("a2@example.com")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    let u = s.client.admin_get_user().user_pool_id(&pool).username("a2@example.com").send().await.unwrap();
    assert!(u.user_attributes().iter().all(|a| a.name() != "name"));
}

#[tokio::test]
async fn verified_aliases_sign_in_are_unique_and_can_be_forced_over() {
    let s = spawn().await;
    let (pool, client) = s
        .pool_and_client(|b| {
            b.alias_attributes(AliasAttributeType::Email)
                .auto_verified_attributes(VerifiedAttributeType::Email)
                .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
        })
        .await;
    let e = s.client.sign_up().client_id(&client).username("x@example.com").password(PASSWORD).send().await;
    assert_eq!(
        error_of(e.unwrap_err()).1,
        "Username cannot be of email format, since user pool is configured for email alias."
    );
    for name in ["First", "second"] {
        s.client
            .sign_up()
            .client_id(&client)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", "shared@example.com"))
            .send()
            .await
            .unwrap();
    }
    let codes = s.messages("destination=shared%40example.com").await;
    let code_of = |i: usize| crate::harness::six_digits(codes[i]["body"].as_str().unwrap()).unwrap();
    let (second_code, first_code) = (code_of(0), code_of(1));
    // Usernames are case-insensitive here.
    s.client
        .confirm_sign_up()
        .client_id(&client)
        .username("FIRST")
        .confirmation_code(&first_code)
        .send()
        .await
        .unwrap();
    // The email is now first's verified alias: it signs in, case-insensitively.
    let t = s
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "Shared@Example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::harness::jwt_payload(t.authentication_result().unwrap().access_token().unwrap())["username"],
        "First"
    );
    let e =
        s.client.confirm_sign_up().client_id(&client).username("second").confirmation_code(&second_code).send().await;
    assert_eq!(
        error_of(e.unwrap_err()),
        ("AliasExistsException".into(), "An account with the given email already exists.".into())
    );
    s.client
        .confirm_sign_up()
        .client_id(&client)
        .username("second")
        .confirmation_code(&second_code)
        .force_alias_creation(true)
        .send()
        .await
        .unwrap();
    let first = s.client.admin_get_user().user_pool_id(&pool).username("first").send().await.unwrap();
    assert!(first.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("false")));
    let by_alias = s.client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap();
    assert_eq!(by_alias.username(), "second");
}

#[tokio::test]
async fn resend_sends_a_new_invitation_and_the_worker_delivers_messages() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    let create = |resend: bool| {
        let b = s
            .client
            .admin_create_user()
            .user_pool_id(&pool)
            .username("invited")
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .user_attributes(attr("email", "invited@example.com"));
        if resend {
            b.message_action(MessageActionType::Resend)
        } else {
            b
        }
    };
    create(false).send().await.unwrap();
    create(true).send().await.unwrap();
    let m = s.messages("destination=invited%40example.com").await;
    assert_eq!(m.len(), 2);
    let password_in = |v: &serde_json::Value| {
        let body = v["body"].as_str().unwrap();
        body.strip_prefix("Your username is invited and temporary password is ")
            .unwrap()
            .strip_suffix(". ")
            .unwrap()
            .to_string()
    };
    let (new, old) = (password_in(&m[0]), password_in(&m[1]));
    assert_ne!(new, old);
    let sign_in = |pw: String| {
        s.client
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "invited")
            .auth_parameters("PASSWORD", pw)
            .send()
    };
    assert_eq!(error_of(sign_in(old).await.unwrap_err()).0, "NotAuthorizedException");
    assert_eq!(sign_in(new).await.unwrap().challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));

    // The outbox worker marks what it delivered (the console sender, in tests).
    let mut delivered = false;
    for _ in 0..50 {
        if s.messages("username=invited").await.iter().all(|m| m["status"] == "sent") {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(delivered, "{:?}", s.messages("username=invited").await);
}

#[tokio::test]
async fn describe_user_pool_counts_the_users() {
    let s = spawn().await;
    let (pool, _) = s.pool_and_client(|b| b).await;
    for name in ["a", "b", "c"] {
        s.confirmed_user(&pool, name, &[]).await;
    }
    let described = s.client.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(described.user_pool().unwrap().estimated_number_of_users(), 3);
    s.client.admin_delete_user().user_pool_id(&pool).username("b").send().await.unwrap();
    let described = s.client.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(described.user_pool().unwrap().estimated_number_of_users(), 2);
}
