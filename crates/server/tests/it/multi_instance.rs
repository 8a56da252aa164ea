//! Two `cognate` processes on one database behave as one service: whatever one instance
//! starts, the other finishes. Runs on the backend under test: PostgreSQL, as production
//! multi-instance setups use, and SQLite (one file shared by two processes on one machine).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, AuthFlowType, DeliveryMediumType, ExplicitAuthFlowsType as F, MessageActionType,
    VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use cognate_core::ports::{Clock, SystemClock};

use crate::harness::{error_of, sdk_client, six_digits, srp_sign_in, test_database, urlencode, PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_cognate");

/// One `cognate serve` process, killed when dropped.
pub(crate) struct Instance {
    pub(crate) child: Child,
    pub(crate) url: String,
    pub(crate) client: Client,
}

impl Instance {
    fn start(database_url: &str, data_dir: &std::path::Path, sms_webhook: &str) -> Instance {
        Instance::start_with(database_url, data_dir, sms_webhook, "127.0.0.1:0", &[])
    }

    /// Starts `cognate serve` on `listen` with extra arguments, and waits for its ready line.
    pub(crate) fn start_with(
        database_url: &str,
        data_dir: &std::path::Path,
        sms_webhook: &str,
        listen: &str,
        extra: &[&str],
    ) -> Instance {
        Instance::spawn(database_url, data_dir, sms_webhook, listen, extra, Stdio::inherit())
    }

    /// Like [`Instance::start_with`], with the server's log (stderr) going to `log`.
    pub(crate) fn start_logging(
        database_url: &str,
        data_dir: &std::path::Path,
        listen: &str,
        extra: &[&str],
        log: &std::path::Path,
    ) -> Instance {
        let file = std::fs::File::create(log).expect("log file");
        Instance::spawn(database_url, data_dir, "http://127.0.0.1:9/unused", listen, extra, Stdio::from(file))
    }

    fn spawn(
        database_url: &str,
        data_dir: &std::path::Path,
        sms_webhook: &str,
        listen: &str,
        extra: &[&str],
        stderr: Stdio,
    ) -> Instance {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", listen, "--public-url", "http://cognate.test:9229"])
            .args(extra)
            .arg("--data-dir")
            .arg(data_dir)
            .env("COGNATE_DATABASE_URL", database_url)
            .env("COGNATE_SMS_WEBHOOK_URL", sms_webhook)
            .env("COGNATE_SMS_WEBHOOK_SECRET", "secret")
            .env("COGNATE_LOG", "warn")
            .env("COGNATE_KEY_ENCRYPTION_KEY", crate::harness::TEST_KEK)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("cognate starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("ready line");
        // Keep reading, so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = line.trim().strip_prefix("cognate listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
        Instance { child, client: sdk_client(&url), url }
    }

    /// The development messages API's listing for a query string.
    pub(crate) async fn messages(&self, query: &str) -> Vec<serde_json::Value> {
        let body: serde_json::Value =
            reqwest::get(format!("{}/_cognate/messages?{query}", self.url)).await.unwrap().json().await.unwrap();
        body["messages"].as_array().cloned().unwrap_or_default()
    }

    async fn latest_code(&self, destination: &str) -> String {
        let messages = self.messages(&format!("destination={}", urlencode(destination))).await;
        six_digits(messages[0]["body"].as_str().unwrap()).unwrap()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SMS webhook deliveries seen: message id → how many times.
type Deliveries = Arc<Mutex<HashMap<String, u32>>>;

pub(crate) async fn receive(State(seen): State<Deliveries>, body: String) -> StatusCode {
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    *seen.lock().unwrap().entry(body["messageId"].as_str().unwrap().to_string()).or_default() += 1;
    StatusCode::NO_CONTENT
}

async fn srp_sign_in_across(begin: &Instance, finish: &Instance, pool: &str, client: &str, user: &str) -> String {
    let now = SystemClock.now_millis();
    let tokens = srp_sign_in((&begin.client, &finish.client), client, pool, user, PASSWORD, now).await.unwrap();
    tokens.access_token().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_behave_as_one_service() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir).await;

    let deliveries: Deliveries = Arc::default();
    let app = Router::new().route("/sms", post(receive)).with_state(deliveries.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Both start at once on the empty database: one applies the migrations, the other waits.
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| Instance::start(&database, &dir.path().join("a"), &webhook));
        let b = scope.spawn(|| Instance::start(&database, &dir.path().join("b"), &webhook));
        (a.join().unwrap(), b.join().unwrap())
    });

    let pool = a
        .client
        .create_user_pool()
        .pool_name("shared")
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .send()
        .await
        .unwrap();
    let pool = pool.user_pool().unwrap().id().unwrap().to_string();
    let client = a
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client = client.user_pool_client().unwrap().client_id().unwrap().to_string();

    // Signed up on A, confirmed with the code B shows, signed in on B.
    a.client
        .sign_up()
        .client_id(&client)
        .username("jane")
        .password(PASSWORD)
        .user_attributes(AttributeType::builder().name("phone_number").value("+15555550100").build().unwrap())
        .send()
        .await
        .unwrap();
    let code = b.latest_code("+15555550100").await;
    b.client.confirm_sign_up().client_id(&client).username("jane").confirmation_code(code).send().await.unwrap();
    let signed_in = b
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let token_b = signed_in.authentication_result().unwrap().access_token().unwrap().to_string();
    // A token one instance signed is good on the other.
    a.client.get_user().access_token(&token_b).send().await.unwrap();

    // An SRP challenge begun on A is answered on B.
    let token = srp_sign_in_across(&a, &b, &pool, &client, "jane").await;

    // A code requested on A verifies on B.
    a.client
        .get_user_attribute_verification_code()
        .access_token(&token)
        .attribute_name("phone_number")
        .send()
        .await
        .unwrap();
    let code = a.latest_code("+15555550100").await;
    b.client
        .verify_user_attribute()
        .access_token(&token)
        .attribute_name("phone_number")
        .code(code)
        .send()
        .await
        .unwrap();
    let user = a.client.get_user().access_token(&token).send().await.unwrap();
    let verified = user.user_attributes().iter().find(|x| x.name() == "phone_number_verified").unwrap();
    assert_eq!(verified.value(), Some("true"));

    // The hourly limit (5) counts requests made on both instances: two more on B, two on A
    // (one was made above), then both refuse.
    for instance in [&b, &a, &b, &a] {
        instance
            .client
            .get_user_attribute_verification_code()
            .access_token(&token)
            .attribute_name("phone_number")
            .send()
            .await
            .unwrap();
    }
    for instance in [&a, &b] {
        let e = instance
            .client
            .get_user_attribute_verification_code()
            .access_token(&token)
            .attribute_name("phone_number")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_of(e).0, "LimitExceededException");
    }

    // A pool updated on A is seen on A at once, and on B once its short-lived cache of parsed
    // pools expires (a second).
    a.client
        .update_user_pool()
        .user_pool_id(&pool)
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .email_verification_subject("Changed on A")
        .send()
        .await
        .unwrap();
    let subject = |i: &Instance| {
        let (client, pool) = (i.client.clone(), pool.clone());
        async move {
            let p = client.describe_user_pool().user_pool_id(pool).send().await.unwrap();
            p.user_pool().unwrap().email_verification_subject().map(String::from)
        }
    };
    assert_eq!(subject(&a).await.as_deref(), Some("Changed on A"));
    let mut seen_on_b = false;
    for _ in 0..50 {
        if subject(&b).await.as_deref() == Some("Changed on A") {
            seen_on_b = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen_on_b, "B never saw the update");

    // A GlobalSignOut on A revokes on B at once.
    a.client.global_sign_out().access_token(&token).send().await.unwrap();
    let e = b.client.get_user().access_token(&token).send().await.unwrap_err();
    assert_eq!(error_of(e), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
    let e = b.client.get_user().access_token(&token_b).send().await.unwrap_err();
    assert_eq!(error_of(e).0, "NotAuthorizedException", "every session of the user is revoked");

    // Invitations sent from both instances: each SMS is delivered once, by one of them.
    for i in 0..20 {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance
            .client
            .admin_create_user()
            .user_pool_id(&pool)
            .username(format!("invited{i}"))
            .user_attributes(
                AttributeType::builder().name("phone_number").value(format!("+1555555{i:04}")).build().unwrap(),
            )
            .desired_delivery_mediums(DeliveryMediumType::Sms)
            .send()
            .await
            .unwrap();
    }
    let sms: Vec<String> =
        a.messages("medium=SMS").await.iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(sms.len(), 1 + 1 + 4 + 20, "sign-up, verification, four more codes, invitations");
    let mut settled = 0;
    for _ in 0..300 {
        let delivered = deliveries.lock().unwrap().len();
        let statuses = b.messages("medium=SMS").await;
        if delivered == sms.len() && statuses.iter().all(|m| m["status"] == "sent") {
            settled += 1;
            if settled == 5 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = deliveries.lock().unwrap().clone();
    for id in &sms {
        assert_eq!(seen.get(id), Some(&1), "message {id} delivered exactly once: {seen:?}");
    }
    assert_eq!(seen.len(), sms.len());
}

/// `n` copies of a request, alternately sent to each instance, all at once; their outcomes.
async fn race<F, Fut>(a: &Instance, b: &Instance, n: usize, send: F) -> Vec<Result<(), String>>
where
    F: Fn(Client, usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let calls: Vec<_> =
        (0..n).map(|i| tokio::spawn(send(if i % 2 == 0 { &a.client } else { &b.client }.clone(), i))).collect();
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    outcomes
}

/// The error code of an SDK error.
fn code_of<E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata>(e: E) -> String {
    error_of(e).0
}

fn one_success_and_the_rest<T: std::fmt::Debug>(results: &[Result<T, String>], error: &str) {
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| e == error), "{results:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_racing_for_one_username_alias_or_code_get_exactly_one_success() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir).await;
    let webhook = "http://127.0.0.1:9/unused";
    let a = Instance::start(&database, &dir.path().join("a"), webhook);
    let b = Instance::start(&database, &dir.path().join("b"), webhook);
    let pool =
        a.client.create_user_pool().pool_name("race").alias_attributes(AliasAttributeType::Email).send().await.unwrap();
    let pool = pool.user_pool().unwrap().id().unwrap().to_string();
    let client = a
        .client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap();
    let client = client.user_pool_client().unwrap().client_id().unwrap().to_string();

    let signed_up = race(&a, &b, 8, |c, _| {
        let client = client.clone();
        async move {
            c.sign_up().client_id(client).username("taken").password(PASSWORD).send().await.map(drop).map_err(code_of)
        }
    })
    .await;
    one_success_and_the_rest(&signed_up, "UsernameExistsException");

    let email = |v: &str| AttributeType::builder().name("email").value(v).build().unwrap();
    let verified = AttributeType::builder().name("email_verified").value("true").build().unwrap();
    let created = race(&a, &b, 8, |c, i| {
        let request = c
            .admin_create_user()
            .user_pool_id(&pool)
            .username(format!("claimant{i}"))
            .user_attributes(email("shared@example.com"))
            .user_attributes(verified.clone())
            .message_action(MessageActionType::Suppress);
        async move { request.send().await.map(drop).map_err(code_of) }
    })
    .await;
    one_success_and_the_rest(&created, "AliasExistsException");

    // One code, verified by eight requests at once on both instances.
    a.client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("jane")
        .temporary_password(PASSWORD)
        .user_attributes(email("jane@example.com"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    a.client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("jane")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let t = b
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let token = t.authentication_result().unwrap().access_token().unwrap().to_string();
    a.client.get_user_attribute_verification_code().access_token(&token).attribute_name("email").send().await.unwrap();
    let code = b.latest_code("jane@example.com").await;
    let verified = race(&a, &b, 8, |c, _| {
        let request = c.verify_user_attribute().access_token(&token).attribute_name("email").code(&code);
        async move { request.send().await.map(drop).map_err(code_of) }
    })
    .await;
    one_success_and_the_rest(&verified, "ExpiredCodeException");
}
