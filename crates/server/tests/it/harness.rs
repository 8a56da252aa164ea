//! Starts the real server for a test and hands back an SDK client, the manual clock and raw
//! HTTP helpers. The backend is SQLite (a file in the test's data dir) unless
//! `COGNATE_TEST_BACKEND=postgres`: then each test server gets a fresh database on the
//! PostgreSQL server `TEST_DATABASE_URL` names (as `./scripts/test` arranges).

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::Client;
use cognate_core::ports::ManualClock;
use cognate_server::{Overrides, Server, Settings};

/// A server under test.
pub struct TestServer {
    server: Option<Server>,
    pub dir: tempfile::TempDir,
    /// The database the server runs on.
    pub database_url: String,
    pub url: String,
    pub client: Client,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    configure: Arc<dyn Fn(&mut Settings) + Send + Sync>,
}

/// The key-encryption key of test servers (as a team would supply its own): a database copied
/// to another data directory still opens.
pub const TEST_KEK: &str = "Y29nbmF0ZS10ZXN0LWtleS1lbmNyeXB0aW9uLWtleSE=";

/// The password test users are given.
pub const PASSWORD: &str = "Corr3ct-horse!";

/// 2026-11-26T00:00:00Z, where the manual clock starts.
pub const START_MILLIS: i64 = 1_795_651_200_000;

/// Starts a server with a fresh data dir.
pub async fn spawn() -> TestServer {
    spawn_with(|_| {}).await
}

/// Starts a server with a fresh data dir and settings adjusted by `configure`.
pub async fn spawn_with(configure: impl Fn(&mut Settings) + Send + Sync + 'static) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = test_database(&dir).await;
    spawn_on(dir, database_url, configure).await
}

/// Starts a server on the given database, with `dir` as its data dir.
pub async fn spawn_on(
    dir: tempfile::TempDir,
    database_url: String,
    configure: impl Fn(&mut Settings) + Send + Sync + 'static,
) -> TestServer {
    let clock = Arc::new(ManualClock::new(START_MILLIS));
    let configure: Arc<dyn Fn(&mut Settings) + Send + Sync> = Arc::new(configure);
    let server = start(&dir, &database_url, clock.clone(), configure.clone()).await;
    let url = format!("http://{}", server.addr());
    TestServer {
        client: sdk_client(&url),
        server: Some(server),
        dir,
        database_url,
        url,
        clock,
        http: reqwest::Client::new(),
        configure,
    }
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("COGNATE_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The database a new test server runs on: a file in `dir`, or a fresh PostgreSQL database.
pub async fn test_database(dir: &tempfile::TempDir) -> String {
    if !on_postgres() {
        return format!("sqlite://{}", dir.path().join("cognate.db").display());
    }
    postgres_database().await.1
}

/// The URL of the test PostgreSQL server's maintenance database (`TEST_DATABASE_URL`).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(
        "this test needs a PostgreSQL server: set TEST_DATABASE_URL, or run the tests through \
         scripts/with-postgres (as ./scripts/test does)",
    )
}

/// A fresh database on the test PostgreSQL server: its name and URL.
pub async fn postgres_database() -> (String, String) {
    let admin = postgres_admin_url();
    let name = format!("it_{}", uuid::Uuid::new_v4().simple());
    let conn = sqlx::PgPool::connect(&admin).await.expect("connecting to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("creating a test database");
    conn.close().await;
    let (base, _) = admin.rsplit_once('/').expect("a database URL");
    let url = format!("{base}/{name}");
    (name, url)
}

async fn start(
    dir: &tempfile::TempDir,
    database_url: &str,
    clock: Arc<ManualClock>,
    configure: Arc<dyn Fn(&mut Settings) + Send + Sync>,
) -> Server {
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(cognate_server::config::Secret(database_url.to_string())),
        key_encryption_key: Some(cognate_server::config::Secret(TEST_KEK.to_string())),
        ..Settings::default()
    };
    configure(&mut settings);
    Server::start(settings, Overrides { clock: Some(clock), ..Default::default() }).await.expect("server starts")
}

/// An SDK client for `url` with static credentials and no retries (errors show as they are).
pub fn sdk_client(url: &str) -> Client {
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(conf)
}

/// The server's manual clock as the SDK's time source, so that signatures carry its time.
#[derive(Debug)]
pub struct ClockTime(pub Arc<ManualClock>);

impl aws_smithy_async::time::TimeSource for ClockTime {
    fn now(&self) -> std::time::SystemTime {
        use cognate_core::ports::Clock;
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(self.0.now_millis() as u64)
    }
}

/// An SDK client for `url` signing with the given access key at the manual clock's time.
pub fn signing_client(url: &str, clock: Arc<ManualClock>, key: &str, secret: &str, region: &str) -> Client {
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(Credentials::new(key, secret, None, None, "tests"))
        .time_source(ClockTime(clock))
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(conf)
}

impl TestServer {
    /// Stops the server cleanly and starts it again on the same data dir.
    pub async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await.expect("clean stop");
        }
        let server = start(&self.dir, &self.database_url, self.clock.clone(), self.configure.clone()).await;
        self.url = format!("http://{}", server.addr());
        self.client = sdk_client(&self.url);
        self.server = Some(server);
    }

    /// Runs a statement directly on the server's database (`$1`, `$2`… for parameters on
    /// both backends), for tests that must reach past the API.
    pub async fn sql(&self, statement: &str, params: &[&str]) {
        let db = self.db().await;
        let mut q = sqlx::query(statement);
        for p in params {
            q = q.bind(*p);
        }
        q.execute(&db).await.expect("statement");
        db.close().await;
    }

    /// A connection pool on the server's database, whatever the backend.
    pub async fn db(&self) -> sqlx::AnyPool {
        connect(&self.database_url).await
    }

    /// POSTs a raw body with the given target (if any) and content type.
    pub async fn raw(&self, target: Option<&str>, content_type: &str, body: &str) -> RawResponse {
        let mut req =
            self.http.post(format!("{}/", self.url)).header("content-type", content_type).body(body.to_string());
        if let Some(t) = target {
            req = req.header("x-amz-target", format!("AWSCognitoIdentityProviderService.{t}"));
        }
        RawResponse::read(req.send().await.expect("request")).await
    }

    /// Creates a pool with only a name and returns its id.
    pub async fn pool(&self, name: &str) -> String {
        let out = self.client.create_user_pool().pool_name(name).send().await.expect("create pool");
        out.user_pool().and_then(|p| p.id()).expect("pool id").to_string()
    }
}

/// A full SRP sign-in (USER_SRP_AUTH, then the PASSWORD_VERIFIER answer), begun through `begin`
/// and answered through `finish` (the same client, or another instance's), with the challenge's
/// timestamp taken from `now_millis`: the tokens, or the error's code and message.
pub async fn srp_sign_in(
    (begin, finish): (&Client, &Client),
    client: &str,
    pool: &str,
    user: &str,
    password: &str,
    now_millis: i64,
) -> Result<aws_sdk_cognitoidentityprovider::types::AuthenticationResultType, (String, String)> {
    use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
    use cognate_core::auth::srp;
    let mut a = [0u8; 128];
    a[..8].copy_from_slice(&0x1234_5678_9abc_def0u64.to_be_bytes());
    a[100] = 7;
    let srp_client = srp::Client::new(&a);
    let start = begin
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("SRP_A", srp_client.public_hex())
        .send()
        .await
        .map_err(error_of)?;
    assert_eq!(start.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
    let p = start.challenge_parameters().expect("challenge parameters");
    let timestamp = srp::format_timestamp(now_millis);
    let signature = srp_client
        .process_challenge(
            srp::pool_name(pool),
            &p["USER_ID_FOR_SRP"],
            password,
            &p["SALT"],
            &p["SRP_B"],
            &p["SECRET_BLOCK"],
            &timestamp,
        )
        .expect("a valid challenge");
    finish
        .respond_to_auth_challenge()
        .client_id(client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(start.session().map(String::from))
        .challenge_responses("USERNAME", &p["USERNAME"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .send()
        .await
        .map(|o| o.authentication_result.expect("tokens"))
        .map_err(error_of)
}

/// The headers SigV4 adds to a request (`authorization`, `x-amz-date`, …): `method` on `url`
/// with these headers and body, signed with `(key, secret)` at `time` for `region` and `service`.
pub fn sigv4_headers(
    (method, url): (&str, &str),
    headers: &[(&str, &str)],
    body: &[u8],
    (key, secret): (&str, &str),
    time: std::time::SystemTime,
    (region, service): (&str, &str),
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;
    let identity = aws_credential_types::Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("signing parameters")
        .into();
    let signable = SignableRequest::new(method, url, headers.iter().copied(), SignableBody::Bytes(body))
        .expect("a signable request");
    let (instructions, _) = sign(signable, &params).expect("signing").into_parts();
    instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A connection pool on a test database, whatever the backend.
pub async fn connect(database_url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(database_url).await.expect("connecting to the test database")
}

/// A response read whole.
pub struct RawResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: serde_json::Value,
}

impl RawResponse {
    pub async fn read(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        RawResponse { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the AWS error envelope and returns the message.
    pub fn assert_error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(self.body["__type"], code, "{:?}", self.body);
        assert_eq!(self.header("x-amzn-errortype"), Some(format!("{code}:").as_str()));
        assert!(self.header("x-amzn-requestid").is_some_and(|id| id.len() == 36));
        self.body["message"].as_str().expect("message").to_string()
    }
}

/// The code and message of an SDK error.
pub fn error_of<E: ProvideErrorMetadata>(e: E) -> (String, String) {
    (e.code().unwrap_or_default().to_string(), e.message().unwrap_or_default().to_string())
}

impl TestServer {
    /// The messages API's listing for a query string such as `destination=a@b.c`.
    pub async fn messages(&self, query: &str) -> Vec<serde_json::Value> {
        let r = self.http.get(format!("{}/_cognate/messages?{query}", self.url)).send().await.expect("messages");
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.expect("json");
        body["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The six-digit code in the newest message to `destination`.
    pub async fn latest_code(&self, destination: &str) -> String {
        let messages = self.messages(&format!("destination={}", urlencode(destination))).await;
        let body = messages.first().and_then(|m| m["body"].as_str()).expect("a message").to_string();
        six_digits(&body).unwrap_or_else(|| panic!("no code in {body:?}"))
    }

    /// A pool with the given settings applied to a CreateUserPool builder, and a client allowing
    /// password, SRP, admin and refresh sign-in. Returns (pool id, client id).
    pub async fn pool_and_client(
        &self,
        configure: impl FnOnce(
            aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
        ) -> aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
    ) -> (String, String) {
        use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType as F;
        let pool = configure(self.client.create_user_pool().pool_name("users")).send().await.expect("pool");
        let pool_id = pool.user_pool().and_then(|p| p.id()).expect("id").to_string();
        let client = self
            .client
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("app")
            .explicit_auth_flows(F::AllowUserPasswordAuth)
            .explicit_auth_flows(F::AllowUserSrpAuth)
            .explicit_auth_flows(F::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(F::AllowRefreshTokenAuth)
            .send()
            .await
            .expect("client");
        (pool_id, client.user_pool_client().and_then(|c| c.client_id()).expect("client id").to_string())
    }
}

impl TestServer {
    /// Creates a confirmed user with the given attributes and the password [`PASSWORD`], without
    /// sending an invitation.
    pub async fn confirmed_user(&self, pool: &str, username: &str, attributes: &[(&str, &str)]) {
        use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
        let mut create = self
            .client
            .admin_create_user()
            .user_pool_id(pool)
            .username(username)
            .message_action(MessageActionType::Suppress);
        for (name, value) in attributes {
            create =
                create.user_attributes(AttributeType::builder().name(*name).value(*value).build().expect("attribute"));
        }
        create.send().await.expect("create user");
        self.client
            .admin_set_user_password()
            .user_pool_id(pool)
            .username(username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("set password");
    }

    /// Signs in with USER_PASSWORD_AUTH; the tokens, or the error's code and message.
    pub async fn password_sign_in(
        &self,
        client: &str,
        username: &str,
        password: &str,
    ) -> Result<aws_sdk_cognitoidentityprovider::types::AuthenticationResultType, (String, String)> {
        self.client
            .initiate_auth()
            .client_id(client)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map(|o| o.authentication_result.expect("tokens"))
            .map_err(error_of)
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The first run of exactly six digits in `text`.
pub fn six_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 6 {
                return Some(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The payload of a JWT, decoded without verification (for assertions).
pub fn jwt_payload(token: &str) -> serde_json::Value {
    use base64::Engine;
    let part = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).expect("b64")).expect("json")
}
