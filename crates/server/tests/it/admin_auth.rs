//! Signed operations: with admin credentials configured, the operations the model marks as
//! SigV4-signed need a valid signature; unsigned ones ignore any; development mode accepts all.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognate_core::ports::Clock;
use cognate_server::config::Secret;

use crate::harness::{error_of, signing_client, sigv4_headers, spawn_with, RawResponse, TestServer, START_MILLIS};

const KEY: &str = "AKIDCOGNATETEST00001";
const SECRET: &str = "cognate-test-secret/0001";
const OTHER_KEY: &str = "AKIDCOGNATETEST00002";
const OTHER_SECRET: &str = "cognate-test-secret/0002";

async fn guarded() -> TestServer {
    spawn_with(|s| {
        s.admin_credentials =
            vec![(KEY.to_string(), Secret(SECRET.into())), (OTHER_KEY.to_string(), Secret(OTHER_SECRET.into()))];
    })
    .await
}

fn at_start() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(START_MILLIS as u64)
}

/// POSTs `body` to `target`, signed with SigV4 at `time` (or unsigned when `key` is `None`),
/// with `extra` headers added after signing.
async fn raw(
    s: &TestServer,
    target: &str,
    body: &str,
    key: Option<(&str, &str)>,
    time: SystemTime,
    region: &str,
    service: &str,
) -> RawResponse {
    let url = format!("{}/", s.url);
    let target = format!("AWSCognitoIdentityProviderService.{target}");
    let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target.as_str())];
    let mut req = s.http.post(&url).body(body.to_string());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    if let Some(key) = key {
        for (k, v) in sigv4_headers(("POST", &url), &headers, body.as_bytes(), key, time, (region, service)) {
            req = req.header(k, v);
        }
    }
    RawResponse::read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn the_sdk_with_a_configured_key_calls_admin_and_unsigned_operations() {
    let s = guarded().await;
    for (key, secret) in [(KEY, SECRET), (OTHER_KEY, OTHER_SECRET)] {
        let c = signing_client(&s.url, s.clock.clone(), key, secret, "us-east-1");
        let pool = c.create_user_pool().pool_name("signed").send().await.expect("signed CreateUserPool");
        let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_string();
        let client = c.create_user_pool_client().user_pool_id(&pool_id).client_name("app").send().await.unwrap();
        let client_id = client.user_pool_client().and_then(|c| c.client_id()).unwrap().to_string();
        c.admin_create_user().user_pool_id(&pool_id).username("jane").send().await.expect("AdminCreateUser");
        c.list_users().user_pool_id(&pool_id).send().await.expect("ListUsers");
        // SignUp is unsigned in the model; the SDK sends it without a signature.
        c.sign_up().client_id(&client_id).username("bob").password(crate::harness::PASSWORD).send().await.unwrap();
    }
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_key_or_no_signature_is_refused_as_aws_does() {
    let s = guarded().await;
    let wrong_secret = signing_client(&s.url, s.clock.clone(), KEY, "not-the-secret", "us-east-1");
    let e = wrong_secret.create_user_pool().pool_name("p").send().await.unwrap_err();
    let (code, message) = error_of(e.into_service_error());
    assert_eq!(code, "InvalidSignatureException");
    assert!(message.starts_with("The request signature we calculated does not match the signature you provided."));

    let unknown = signing_client(&s.url, s.clock.clone(), "AKIDUNKNOWN", SECRET, "us-east-1");
    let e = unknown.list_user_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(
        error_of(e.into_service_error()),
        ("UnrecognizedClientException".into(), "The security token included in the request is invalid.".into())
    );

    let r = raw(&s, "ListUserPools", r#"{"MaxResults":10}"#, None, at_start(), "us-east-1", "cognito-idp").await;
    assert_eq!(r.assert_error(400, "MissingAuthenticationTokenException"), "Missing Authentication Token");

    let r = s.raw(Some("CreateUserPool"), "application/x-amz-json-1.1", r#"{"PoolName":"p"}"#).await;
    r.assert_error(400, "MissingAuthenticationTokenException");

    // Nothing was created by any of them.
    let c = signing_client(&s.url, s.clock.clone(), KEY, SECRET, "us-east-1");
    let pools = c.list_user_pools().max_results(60).send().await.unwrap();
    assert!(pools.user_pools().is_empty());
}

#[tokio::test]
async fn a_signature_older_or_newer_than_fifteen_minutes_has_expired() {
    let s = guarded().await;
    let body = r#"{"MaxResults":10}"#;
    let ok = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), at_start(), "us-east-1", "cognito-idp").await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    let fourteen = at_start() - Duration::from_secs(14 * 60);
    let ok = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), fourteen, "us-east-1", "cognito-idp").await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);

    let old = at_start() - Duration::from_secs(16 * 60);
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), old, "us-east-1", "cognito-idp").await;
    let message = r.assert_error(400, "InvalidSignatureException");
    assert_eq!(
        message,
        "Signature expired: 20261125T234400Z is now earlier than 20261125T234500Z (20261126T000000Z - 15 min.)"
    );

    let future = at_start() + Duration::from_secs(16 * 60);
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), future, "us-east-1", "cognito-idp").await;
    assert!(r
        .assert_error(400, "InvalidSignatureException")
        .starts_with("Signature not yet current: 20261126T001600Z"));

    // The server's clock judges: a signature that was fresh expires as time passes.
    s.clock.advance(20 * 60 * 1000);
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), at_start(), "us-east-1", "cognito-idp").await;
    r.assert_error(400, "InvalidSignatureException");
    let now = UNIX_EPOCH + Duration::from_millis(s.clock.now_millis() as u64);
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), now, "us-east-1", "cognito-idp").await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn a_signature_for_another_region_service_or_body_is_refused() {
    let s = guarded().await;
    let body = r#"{"MaxResults":10}"#;
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), at_start(), "eu-west-1", "cognito-idp").await;
    assert_eq!(
        r.assert_error(400, "InvalidSignatureException"),
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    );
    let r = raw(&s, "ListUserPools", body, Some((KEY, SECRET)), at_start(), "us-east-1", "cognito-identity").await;
    assert_eq!(
        r.assert_error(400, "InvalidSignatureException"),
        "Credential should be scoped to correct service: 'cognito-idp'. "
    );

    // A signature over one body does not authorise another.
    let signed =
        raw(&s, "CreateUserPool", r#"{"PoolName":"a"}"#, Some((KEY, SECRET)), at_start(), "us-east-1", "cognito-idp")
            .await;
    assert_eq!(signed.status, 200);
    let replayed_headers = sigv4_headers(
        ("POST", &format!("{}/", s.url)),
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "AWSCognitoIdentityProviderService.CreateUserPool"),
        ],
        br#"{"PoolName":"a"}"#,
        (KEY, SECRET),
        at_start(),
        ("us-east-1", "cognito-idp"),
    );
    let mut req = s
        .http
        .post(format!("{}/", s.url))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.CreateUserPool")
        .body(r#"{"PoolName":"b"}"#);
    for (k, v) in replayed_headers {
        req = req.header(k, v);
    }
    let r = RawResponse::read(req.send().await.unwrap()).await;
    r.assert_error(400, "InvalidSignatureException");
    let c = signing_client(&s.url, s.clock.clone(), KEY, SECRET, "us-east-1");
    let names: Vec<String> = c
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap()
        .user_pools()
        .iter()
        .filter_map(|p| p.name().map(str::to_string))
        .collect();
    assert_eq!(names, vec!["a".to_string()]);
}

#[tokio::test]
async fn unsigned_operations_ignore_any_authorization_header() {
    let s = guarded().await;
    let c = signing_client(&s.url, s.clock.clone(), KEY, SECRET, "us-east-1");
    let pool = c.create_user_pool().pool_name("p").send().await.unwrap();
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_string();
    let client = c.create_user_pool_client().user_pool_id(&pool_id).client_name("app").send().await.unwrap();
    let client_id = client.user_pool_client().and_then(|c| c.client_id()).unwrap().to_string();
    let body = format!(r#"{{"ClientId":"{client_id}","Username":"jane","Password":"{}"}}"#, crate::harness::PASSWORD);
    // Signed with an unknown key, and with garbage: both ignored for SignUp.
    let r = raw(&s, "SignUp", &body, Some(("AKIDUNKNOWN", "x")), at_start(), "us-east-1", "cognito-idp").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let body = format!(r#"{{"ClientId":"{client_id}","Username":"bob","Password":"{}"}}"#, crate::harness::PASSWORD);
    let r = s
        .http
        .post(format!("{}/", s.url))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
        .header("authorization", "garbage")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn in_development_mode_any_signature_or_none_is_accepted() {
    let s = spawn_with(|_| {}).await;
    let anyone = signing_client(&s.url, s.clock.clone(), "AKIDANYONE", "whatever", "us-east-1");
    anyone.create_user_pool().pool_name("p").send().await.expect("development mode accepts any key");
    let r = s.raw(Some("ListUserPools"), "application/x-amz-json-1.1", r#"{"MaxResults":10}"#).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn with_credentials_the_messages_api_wants_a_signature_too() {
    let s = guarded().await;
    let r = s.http.get(format!("{}/_cognate/messages", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["__type"], "MissingAuthenticationTokenException");

    let url = format!("{}/_cognate/messages?destination=a%40example.com", s.url);
    let mut req = s.http.get(&url);
    for (k, v) in sigv4_headers(("GET", &url), &[], b"", (KEY, SECRET), at_start(), ("us-east-1", "cognito-idp")) {
        req = req.header(k, v);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[test]
fn without_credentials_the_server_refuses_to_listen_beyond_loopback_unless_allowed() {
    let mut settings = cognate_server::Settings { listen: "0.0.0.0:9229".parse().unwrap(), ..Default::default() };
    let e = settings.check_exposure().unwrap_err().to_string();
    assert!(e.contains("refusing to listen on 0.0.0.0:9229 without admin credentials"), "{e}");
    assert!(e.contains("--allow-unauthenticated-admin"), "{e}");
    settings.allow_unauthenticated_admin = true;
    settings.check_exposure().unwrap();
    settings.allow_unauthenticated_admin = false;
    settings.admin_credentials = vec![(KEY.into(), Secret(SECRET.into()))];
    settings.check_exposure().unwrap();
    let loopback = cognate_server::Settings { listen: "127.0.0.1:9229".parse().unwrap(), ..Default::default() };
    loopback.check_exposure().unwrap();
    let tls_exposed =
        cognate_server::Settings { tls_listen: Some("0.0.0.0:9443".parse().unwrap()), ..Default::default() };
    assert!(tls_exposed.check_exposure().is_err());
}
