//! Crash safety: a `cognate` process under steady load (sign-ups, code requests, attribute
//! verifications) is killed with SIGKILL at random moments and started again on the same
//! database. Every request that was answered with success must be in the store afterwards,
//! nothing half-written may be visible, and every message of the outbox is delivered (at least
//! once, each delivery carrying the message's id so receivers can drop repeats).
//!
//! Runs on the backend under test (SQLite here, PostgreSQL under `COGNATE_TEST_BACKEND`).
//! `COGNATE_CRASH_KILLS` sets the number of kills (20 by default); `COGNATE_CRASH_SEED` the
//! seed of the kill times (printed, so a failing run can be repeated).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ExplicitAuthFlowsType as F, MessageActionType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

use crate::harness::{sdk_client, six_digits, test_database, PASSWORD};
use crate::multi_instance::Instance;

/// Users whose phone numbers are verified under load.
const USERS: usize = 24;
/// Concurrent sign-up and verification workers.
const SIGN_UP_WORKERS: usize = 2;
const VERIFY_WORKERS: usize = 4;

/// One SMS as the webhook received it.
#[derive(Clone, Debug)]
struct Sms {
    id: String,
    destination: String,
    code: String,
}

type Inbox = Arc<Mutex<Vec<Sms>>>;

async fn receive(State(inbox): State<Inbox>, body: String) -> StatusCode {
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    inbox.lock().unwrap().push(Sms {
        id: body["messageId"].as_str().unwrap().to_string(),
        destination: body["destination"].as_str().unwrap().to_string(),
        code: six_digits(body["message"].as_str().unwrap()).unwrap_or_default(),
    });
    StatusCode::NO_CONTENT
}

/// What the server said it did.
#[derive(Default, Debug)]
struct Ledger {
    /// Sign-ups answered with success: username → phone.
    signed_up: HashMap<String, String>,
    /// Sign-ups whose outcome is unknown (the connection dropped).
    sign_up_attempts: HashSet<String>,
    /// Code requests answered with success, per phone.
    codes: HashMap<String, usize>,
    /// Users whose VerifyUserAttribute was answered with success.
    verified: HashSet<String>,
    /// VerifyUserAttribute calls answered with success.
    verifications: usize,
    /// Answers that were errors although the server was up: there must be none.
    unexpected: Vec<String>,
}

/// Whether a call failed because the server was not there (killed, restarting).
fn is_transport<E, R>(e: &SdkError<E, R>) -> bool {
    matches!(e, SdkError::DispatchFailure(_) | SdkError::ResponseError(_) | SdkError::TimeoutError(_))
}

fn phone(i: usize) -> String {
    format!("+1555{i:07}")
}

/// A small deterministic generator for the kill times.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

async fn sign_up_worker(client: Client, app: String, worker: usize, ledger: Arc<Mutex<Ledger>>, stop: Arc<AtomicBool>) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let name = format!("s{worker}n{i}");
        let number = phone(100_000 + worker * 10_000 + i);
        let r = client
            .sign_up()
            .client_id(&app)
            .username(&name)
            .password(PASSWORD)
            .user_attributes(AttributeType::builder().name("phone_number").value(&number).build().unwrap())
            .send()
            .await;
        let failed_to_reach = matches!(&r, Err(e) if is_transport(e));
        {
            let mut l = ledger.lock().unwrap();
            l.sign_up_attempts.insert(name.clone());
            match r {
                Ok(_) => drop(l.signed_up.insert(name, number)),
                Err(_) if failed_to_reach => {}
                Err(e) => l.unexpected.push(format!("SignUp {name}: {:?}", e.code())),
            }
        }
        if failed_to_reach {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Requests a code for each user's phone in turn, reads it from the webhook and verifies it,
/// round after round until stopped; repeats what the server was not there to answer.
async fn verify_worker(
    client: Client,
    users: Vec<(usize, String)>,
    inbox: Inbox,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
) {
    let rounds = std::iter::repeat(users).flatten();
    for (i, token) in rounds {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let number = phone(i);
        let user = format!("u{i}");
        'user: while !stop.load(Ordering::Relaxed) {
            let seen = inbox.lock().unwrap().iter().filter(|m| m.destination == number).count();
            let r = client
                .get_user_attribute_verification_code()
                .access_token(&token)
                .attribute_name("phone_number")
                .send()
                .await;
            match r {
                Ok(_) => *ledger.lock().unwrap().codes.entry(number.clone()).or_default() += 1,
                Err(e) if is_transport(&e) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                Err(e) => {
                    ledger.lock().unwrap().unexpected.push(format!("GetUserAttributeVerificationCode: {:?}", e.code()));
                    return;
                }
            }
            // The code arrives through the outbox, possibly only after a restart.
            let deadline = Instant::now() + Duration::from_secs(90);
            let code = loop {
                if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                    break 'user;
                }
                let newest = inbox.lock().unwrap().iter().rev().find(|m| m.destination == number).cloned();
                match newest {
                    Some(m) if inbox.lock().unwrap().iter().filter(|m| m.destination == number).count() > seen => {
                        break m.code;
                    }
                    _ => tokio::time::sleep(Duration::from_millis(25)).await,
                }
            };
            loop {
                if stop.load(Ordering::Relaxed) {
                    break 'user;
                }
                let r = client
                    .verify_user_attribute()
                    .access_token(&token)
                    .attribute_name("phone_number")
                    .code(&code)
                    .send()
                    .await;
                match r {
                    Ok(_) => {
                        let mut l = ledger.lock().unwrap();
                        l.verified.insert(user.clone());
                        l.verifications += 1;
                        break 'user;
                    }
                    Err(e) if is_transport(&e) => tokio::time::sleep(Duration::from_millis(20)).await,
                    // A newer code replaced this one (a request whose answer was lost to a
                    // kill), or a repeat of a verification that did commit: ask again.
                    Err(e) if matches!(e.code(), Some("CodeMismatchException" | "ExpiredCodeException")) => {
                        continue 'user;
                    }
                    Err(e) => {
                        ledger.lock().unwrap().unexpected.push(format!("VerifyUserAttribute: {:?}", e.code()));
                        return;
                    }
                }
            }
        }
    }
}

/// A pool (auto-verifying `verify`, if any) and an app client for password and refresh sign-in.
async fn pool_and_client(client: &Client, name: &str, verify: Option<VerifiedAttributeType>) -> (String, String) {
    let pool = client.create_user_pool().pool_name(name).set_auto_verified_attributes(verify.map(|v| vec![v]));
    let pool = pool.send().await.unwrap().user_pool().unwrap().id().unwrap().to_string();
    let app = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    (pool, app.user_pool_client().unwrap().client_id().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill_and_every_message_is_delivered() {
    let kills: usize = std::env::var("COGNATE_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("COGNATE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::UNIX_EPOCH.elapsed().map(|d| d.as_nanos() as u64).unwrap_or(1) | 1);
    eprintln!("crash test: {kills} kills, COGNATE_CRASH_SEED={seed}");
    let mut rng = XorShift(seed);

    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir).await;
    let inbox: Inbox = Arc::default();
    let app = Router::new().route("/sms", post(receive)).with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // One address for every run of the server, so that clients simply reconnect.
    let listen = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let data_dir = dir.path().join("data");
    let start = || {
        Instance::start_with(
            &database,
            &data_dir,
            &webhook,
            &listen,
            &["--attribute-code-limit", "1000000", "--attribute-verify-limit", "1000000"],
        )
    };
    let mut instance = start();
    let client = sdk_client(&instance.url);

    let (pool, app_client) = pool_and_client(&client, "crash", Some(VerifiedAttributeType::PhoneNumber)).await;
    let mut tokens = Vec::new();
    for i in 0..USERS {
        client
            .admin_create_user()
            .user_pool_id(&pool)
            .username(format!("u{i}"))
            .user_attributes(AttributeType::builder().name("phone_number").value(phone(i)).build().unwrap())
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        client
            .admin_set_user_password()
            .user_pool_id(&pool)
            .username(format!("u{i}"))
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
        let t = client
            .initiate_auth()
            .client_id(&app_client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", format!("u{i}"))
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        tokens.push((i, t.authentication_result().unwrap().access_token().unwrap().to_string()));
    }

    let ledger: Arc<Mutex<Ledger>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..SIGN_UP_WORKERS {
        workers.push(tokio::spawn(sign_up_worker(client.clone(), app_client.clone(), w, ledger.clone(), stop.clone())));
    }
    for w in 0..VERIFY_WORKERS {
        let users: Vec<_> = tokens.iter().filter(|(i, _)| i % VERIFY_WORKERS == w).cloned().collect();
        workers.push(tokio::spawn(verify_worker(client.clone(), users, inbox.clone(), ledger.clone(), stop.clone())));
    }

    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(150 + rng.next() % 1_000)).await;
        instance.child.kill().expect("SIGKILL");
        instance.child.wait().unwrap();
        instance = start();
    }
    // Let the verifications still waiting for their codes finish on the last run.
    let settle = Instant::now() + Duration::from_secs(90);
    while Instant::now() < settle && ledger.lock().unwrap().verified.len() < USERS {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(ledger.unexpected.is_empty(), "errors from a running server: {:?}", ledger.unexpected);
    assert!(ledger.signed_up.len() >= 20, "too little load to mean anything: {ledger:?}");
    assert_eq!(ledger.verified.len(), USERS, "every user got through verification despite the kills");

    // Acknowledged sign-ups are there, each with its confirmation code on the way.
    for (name, number) in &ledger.signed_up {
        let u = client.admin_get_user().user_pool_id(&pool).username(name).send().await;
        let u = u.unwrap_or_else(|e| panic!("acknowledged sign-up {name} lost: {:?}", e.code()));
        assert_eq!(u.user_status().map(|s| s.as_str()), Some("UNCONFIRMED"));
        let attrs: HashMap<_, _> = u.user_attributes().iter().map(|a| (a.name(), a.value().unwrap_or(""))).collect();
        assert_eq!(attrs.get("phone_number"), Some(&number.as_str()), "{name}");
    }
    // Acknowledged verifications are there.
    for user in &ledger.verified {
        let u = client.admin_get_user().user_pool_id(&pool).username(user).send().await.unwrap();
        let verified = u.user_attributes().iter().find(|a| a.name() == "phone_number_verified");
        assert_eq!(verified.and_then(|a| a.value()), Some("true"), "acknowledged verification of {user} lost");
    }

    // Every message of the outbox is delivered; deliveries repeat only a message's id.
    let db = crate::harness::connect(&database).await;
    let mut outbox: Vec<(String, String, String)> = Vec::new();
    for _ in 0..900 {
        outbox = sqlx::query_as("SELECT id, destination, status FROM outbox").fetch_all(&db).await.unwrap();
        let delivered: HashSet<String> = inbox.lock().unwrap().iter().map(|m| m.id.clone()).collect();
        if outbox.iter().all(|(id, _, status)| status == "sent" && delivered.contains(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let inbox = inbox.lock().unwrap().clone();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for m in &inbox {
        *times.entry(m.id.as_str()).or_default() += 1;
    }
    let ids: HashSet<&str> = outbox.iter().map(|(id, _, _)| id.as_str()).collect();
    for (id, destination, status) in &outbox {
        assert_eq!(status, "sent", "message {id} to {destination}");
        assert!(times.contains_key(id.as_str()), "message {id} to {destination} never delivered");
    }
    for id in times.keys() {
        assert!(ids.contains(id), "delivered {id}, which the outbox does not hold");
    }
    let per_destination =
        |number: &str| inbox.iter().filter(|m| m.destination == number).map(|m| &m.id).collect::<HashSet<_>>().len();
    for (name, number) in &ledger.signed_up {
        assert!(per_destination(number) >= 1, "no confirmation code for acknowledged sign-up {name}");
    }
    for (number, acknowledged) in &ledger.codes {
        let delivered = per_destination(number);
        assert!(delivered >= *acknowledged, "{number}: {acknowledged} codes acknowledged, {delivered} delivered");
    }

    // Nothing half-written: every code has the message that carries it, every user its index.
    let orphan_codes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM codes c WHERE NOT EXISTS (SELECT 1 FROM outbox o \
         WHERE o.pool_id = c.pool_id AND o.username = c.username_key AND o.created_at = c.created_at)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(orphan_codes, 0, "codes without their message");
    let unindexed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM user_search s \
         WHERE s.pool_id = u.pool_id AND s.username_key = u.username_key AND s.name = 'sub')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(unindexed, 0, "users without their search entries");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db).await.unwrap();
    let attempts = ledger.sign_up_attempts.len() as i64 + USERS as i64;
    assert!(users <= attempts, "{users} users from {attempts} attempts");
    db.close().await;
    let repeats = times.values().filter(|n| **n > 1).count();
    eprintln!(
        "crash test: {} sign-ups acknowledged ({} attempted), {} code requests and {} verifications \
         acknowledged, {} messages, {repeats} delivered more than once",
        ledger.signed_up.len(),
        ledger.sign_up_attempts.len(),
        ledger.codes.values().sum::<usize>(),
        ledger.verifications,
        outbox.len(),
    );
    drop(instance);
}

/// A tmpfs of a few MiB mounted for the test: a real file system that really fills up.
/// Unmounted when dropped.
struct SmallDisk {
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(path: std::path::PathBuf) -> SmallDisk {
        std::fs::create_dir_all(&path).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=6m", "tmpfs"])
            .arg(&path)
            .status()
            .expect("running mount");
        assert!(status.success(), "this test mounts a small tmpfs: it needs root (or CAP_SYS_ADMIN)");
        SmallDisk { path }
    }

    /// Writes a file until the disk is full.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write as _;
        let filler = self.path.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 16 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

async fn sign_up(client: &Client, app: &str, name: &str) -> Result<(), String> {
    client
        .sign_up()
        .client_id(app)
        .username(name)
        .password(PASSWORD)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.code().unwrap_or("no code").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_an_internal_error_until_space_returns() {
    // The SQLite file is cognate's own; a PostgreSQL server's disk is the server's business
    // (its outages are covered in operations.rs), so this runs on SQLite whatever the backend.
    let dir = tempfile::tempdir().unwrap();
    let disk = SmallDisk::mount(dir.path().join("disk"));
    let database = format!("sqlite://{}/cognate.db", disk.path.display());
    let log = dir.path().join("cognate.log");
    let instance = Instance::start_logging(&database, &disk.path, "127.0.0.1:0", &[], &log);
    let client = instance.client.clone();
    let (pool, app) = pool_and_client(&client, "disk", None).await;
    sign_up(&client, &app, "before").await.unwrap();

    // Full disk: writes fail with InternalErrorException (once the database's files have no
    // room left to reuse) and say why in the log; reads go on.
    let filler = disk.fill();
    let mut stored = vec!["before".to_string()];
    let mut refused = None;
    for i in 0..500 {
        let name = format!("full{i}");
        match sign_up(&client, &app, &name).await {
            Ok(()) => stored.push(name),
            Err(code) => {
                assert_eq!(code, "InternalErrorException");
                refused = Some(name);
                break;
            }
        }
    }
    let refused = refused.expect("a full disk never refused a write");
    let user = client.admin_get_user().user_pool_id(&pool).username("before").send().await;
    assert!(user.is_ok(), "reads work on a full disk: {:?}", user.err().map(|e| e.code().map(String::from)));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("internal error") && text.contains("disk is full"), "no clear log line: {text}");

    // Space returns: writes work again, and nothing was lost or half-written.
    std::fs::remove_file(filler).unwrap();
    sign_up(&client, &app, "after-full").await.unwrap();
    stored.push("after-full".into());
    let e = client.admin_get_user().user_pool_id(&pool).username(&refused).send().await.unwrap_err();
    assert_eq!(e.code(), Some("UserNotFoundException"), "the refused sign-up left nothing behind");

    for name in &stored {
        client.admin_get_user().user_pool_id(&pool).username(name).send().await.unwrap();
    }
    drop(instance);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_is_an_internal_error_until_it_is_writable_again() {
    // A PostgreSQL database turned read-only, as a failover onto a standby or an operator's
    // `default_transaction_read_only` does: new sessions refuse every write.
    let (name, database) = crate::harness::postgres_database().await;
    let admin = sqlx::PgPool::connect(&crate::harness::postgres_admin_url()).await.unwrap();
    let set_read_only = |on: bool| {
        let (admin, name) = (admin.clone(), name.clone());
        async move {
            let setting =
                if on { "SET default_transaction_read_only = on" } else { "RESET default_transaction_read_only" };
            sqlx::query(&format!("ALTER DATABASE {name} {setting}")).execute(&admin).await.unwrap();
            // The server's sessions end; the ones it opens next have the new setting.
            sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                .bind(&name)
                .execute(&admin)
                .await
                .unwrap();
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("cognate.log");
    let instance = Instance::start_logging(&database, dir.path(), "127.0.0.1:0", &[], &log);
    let client = instance.client.clone();
    let (pool, app) = pool_and_client(&client, "ro", None).await;
    sign_up(&client, &app, "before").await.unwrap();

    set_read_only(true).await;
    // The first request after the sessions ended may meet a closed connection; either way
    // every write is refused as an internal error, and reads still work.
    for i in 0..3 {
        assert_eq!(sign_up(&client, &app, &format!("readonly{i}")).await, Err("InternalErrorException".to_string()));
    }
    client.admin_get_user().user_pool_id(&pool).username("before").send().await.unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("internal error") && text.contains("read-only transaction"), "no clear log line: {text}");

    set_read_only(false).await;
    let mut recovered = false;
    for _ in 0..50 {
        if sign_up(&client, &app, "after").await.is_ok() {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "writes never worked again");
    for i in 0..3 {
        let e = client.admin_get_user().user_pool_id(&pool).username(format!("readonly{i}")).send().await.unwrap_err();
        assert_eq!(e.code(), Some("UserNotFoundException"), "a refused write left something behind");
    }
    client.admin_get_user().user_pool_id(&pool).username("before").send().await.unwrap();
    drop(instance);
    admin.close().await;
}
