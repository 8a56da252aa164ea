//! What is measured: each operation as a client calls it, on the users the seed made.

use std::sync::Arc;

use anyhow::{Context, Result};
use cognate_core::auth::srp;
use cognate_core::ports::{Clock, SystemClock};
use serde_json::{json, Value};

use super::load::{Answer, Conn, Outcome, Request, Workload};

/// The password every benchmark user has.
pub const PASSWORD: &str = "Bench-passw0rd!";

/// The operations the benchmark drives, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    GetUserAttributeVerificationCode,
    VerifyUserAttribute,
    GetUser,
    PasswordAuth,
    SrpAuth,
    SignUp,
    ListUsers,
}

impl Op {
    pub const ALL: [Op; 7] = [
        Op::GetUserAttributeVerificationCode,
        Op::VerifyUserAttribute,
        Op::GetUser,
        Op::PasswordAuth,
        Op::SrpAuth,
        Op::SignUp,
        Op::ListUsers,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Op::GetUserAttributeVerificationCode => "GetUserAttributeVerificationCode",
            Op::VerifyUserAttribute => "VerifyUserAttribute",
            Op::GetUser => "GetUser",
            Op::PasswordAuth => "InitiateAuth USER_PASSWORD_AUTH",
            Op::SrpAuth => "SRP sign-in (InitiateAuth + RespondToAuthChallenge)",
            Op::SignUp => "SignUp",
            Op::ListUsers => "ListUsers (email prefix filter)",
        }
    }

    /// The short name accepted by `--ops`.
    pub fn key(self) -> &'static str {
        match self {
            Op::GetUserAttributeVerificationCode => "guavc",
            Op::VerifyUserAttribute => "verify",
            Op::GetUser => "get-user",
            Op::PasswordAuth => "password-auth",
            Op::SrpAuth => "srp-auth",
            Op::SignUp => "sign-up",
            Op::ListUsers => "list-users",
        }
    }
}

/// The username (and email) of the `i`th seeded user. Email-shaped: cognito-local insists on it.
pub fn username(i: usize) -> String {
    format!("user{i:07}@bench.test")
}

/// One benchmark user.
#[derive(Debug, Clone)]
pub struct User {
    pub username: String,
    pub access_token: String,
}

/// The pool, client and users a server was seeded with.
#[derive(Debug)]
pub struct Fixture {
    pub pool_id: String,
    pub client_id: String,
    pub users: Vec<User>,
}

impl Fixture {
    /// The user a connection takes on an iteration: connections walk the users in step, apart.
    fn user_index(&self, worker: usize, iteration: u64, connections: usize) -> usize {
        let n = self.users.len() as u64;
        ((worker as u64 + iteration.wrapping_mul(connections as u64)) % n) as usize
    }
}

/// An operation on a seeded server.
pub struct OpLoad {
    pub op: Op,
    pub fixture: Arc<Fixture>,
    pub connections: usize,
    /// Makes SignUp usernames unique across runs.
    pub tag: String,
    /// One SRP client per connection (its A is reused: the server does the full work each time).
    pub srp_clients: Vec<srp::Client>,
    /// Each user's request, for the operations whose request is the same every time.
    pub requests: Vec<Request>,
    /// The `host` the requests name.
    pub host: String,
}

impl OpLoad {
    pub fn new(op: Op, fixture: Arc<Fixture>, connections: usize, tag: String, host: String) -> Self {
        let srp_clients = if op == Op::SrpAuth {
            (0..connections)
                .map(|i| {
                    // A 256-bit secret a, as long as the server's b. Cognito's clients draw 1024
                    // bits; the server's work is the same whatever the client's a, and the
                    // shorter one leaves more of the shared cores to the server measured.
                    let mut a = [0u8; 32];
                    a[..8].copy_from_slice(&(0x5eed_0000_0000_0001u64 + i as u64).to_be_bytes());
                    a[16] = 0x5a;
                    srp::Client::new(&a)
                })
                .collect()
        } else {
            Vec::new()
        };
        let requests = fixture.users.iter().filter_map(|user| fixed_request(op, &fixture, user, &host)).collect();
        Self { op, fixture, connections, tag, srp_clients, requests, host }
    }
}

/// The request `op` sends for `user`, when it is the same on every iteration.
fn fixed_request(op: Op, f: &Fixture, user: &User, host: &str) -> Option<Request> {
    let (operation, body) = match op {
        Op::GetUserAttributeVerificationCode => {
            ("GetUserAttributeVerificationCode", json!({"AccessToken": user.access_token, "AttributeName": "email"}))
        }
        // A wrong code: the path every guess takes (read the code, compare in constant time,
        // count the failure). A right one would need a fresh code per request.
        Op::VerifyUserAttribute => (
            "VerifyUserAttribute",
            json!({"AccessToken": user.access_token, "AttributeName": "email", "Code": "000000"}),
        ),
        Op::GetUser => ("GetUser", json!({"AccessToken": user.access_token})),
        Op::PasswordAuth => (
            "InitiateAuth",
            json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": f.client_id,
                "AuthParameters": {"USERNAME": user.username, "PASSWORD": PASSWORD},
            }),
        ),
        Op::ListUsers => {
            // The users whose email starts like this user's but for the last two digits: a
            // hundred of them when that many are stored; the first page (60) is answered.
            let name = &user.username;
            let prefix = &name[..name.find('@').unwrap_or(name.len()).saturating_sub(2)];
            ("ListUsers", json!({"UserPoolId": f.pool_id, "Filter": format!("email ^= \"{prefix}\"")}))
        }
        Op::SrpAuth | Op::SignUp => return None,
    };
    Some(Request::new(host, operation, &body))
}

fn judge(answer: &Answer, expected_errors: &[&str]) -> Outcome {
    if answer.status == 200 {
        return Outcome::Ok;
    }
    match answer.error_code() {
        Some(code) if expected_errors.contains(&code.as_str()) => Outcome::Ok,
        _ => Outcome::Error(format!("HTTP {}: {}", answer.status, answer.text())),
    }
}

impl Workload for OpLoad {
    async fn run(&self, conn: &mut Conn, worker: usize, iteration: u64) -> Result<Outcome> {
        let f = &self.fixture;
        let index = f.user_index(worker, iteration, self.connections);
        match self.op {
            Op::GetUserAttributeVerificationCode | Op::GetUser | Op::PasswordAuth => {
                Ok(judge(&conn.send(&self.requests[index]).await?, &[]))
            }
            Op::VerifyUserAttribute => {
                let answer = conn.send(&self.requests[index]).await?;
                Ok(judge(&answer, &["CodeMismatchException", "ExpiredCodeException"]))
            }
            Op::ListUsers => {
                let answer = conn.send(&self.requests[index]).await?;
                if answer.status == 200 && answer.json()["Users"].as_array().is_none_or(|u| u.is_empty()) {
                    return Ok(Outcome::Error(format!("no users: {}", answer.text())));
                }
                Ok(judge(&answer, &[]))
            }
            Op::SrpAuth => self.srp_sign_in(conn, worker, &f.users[index]).await,
            Op::SignUp => {
                let username = format!("signup-{}-{worker}-{iteration}@bench.test", self.tag);
                let body = json!({
                    "ClientId": f.client_id,
                    "Username": username,
                    "Password": PASSWORD,
                    "UserAttributes": [{"Name": "email", "Value": username}],
                });
                Ok(judge(&conn.send(&Request::new(&self.host, "SignUp", &body)).await?, &[]))
            }
        }
    }
}

impl OpLoad {
    async fn srp_sign_in(&self, conn: &mut Conn, worker: usize, user: &User) -> Result<Outcome> {
        let f = &self.fixture;
        let client = &self.srp_clients[worker % self.srp_clients.len()];
        let start = json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": f.client_id,
            "AuthParameters": {"USERNAME": user.username, "SRP_A": client.public_hex()},
        });
        let answer = conn.call("InitiateAuth", &start).await?;
        if answer.status != 200 {
            return Ok(judge(&answer, &[]));
        }
        let challenge = answer.json();
        let p = &challenge["ChallengeParameters"];
        let param = |name: &str| p[name].as_str().with_context(|| format!("no {name} in {p}"));
        let timestamp = srp::format_timestamp(SystemClock.now_millis());
        // The client's exponentiations, off the connections' thread.
        let (client, pool_name, timestamp) = (client.clone(), srp::pool_name(&f.pool_id).to_string(), timestamp);
        let [user_id, salt, srp_b, secret_block] =
            ["USER_ID_FOR_SRP", "SALT", "SRP_B", "SECRET_BLOCK"].map(|name| param(name).map(str::to_string));
        let (user_id, salt, srp_b, secret_block) = (user_id?, salt?, srp_b?, secret_block?);
        let (signature, timestamp) = tokio::task::spawn_blocking(move || {
            let signature =
                client.process_challenge(&pool_name, &user_id, PASSWORD, &salt, &srp_b, &secret_block, &timestamp);
            (signature, timestamp)
        })
        .await?;
        let Some(signature) = signature else {
            return Ok(Outcome::Error("the challenge could not be answered".into()));
        };
        let mut respond = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": f.client_id,
            "ChallengeResponses": {
                "USERNAME": param("USERNAME")?,
                "PASSWORD_CLAIM_SECRET_BLOCK": param("SECRET_BLOCK")?,
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        });
        if let Some(session) = challenge.get("Session").filter(|s| s.is_string()) {
            respond["Session"] = session.clone();
        }
        let done = conn.call("RespondToAuthChallenge", &respond).await?;
        if done.status == 200 && done.json()["AuthenticationResult"]["AccessToken"].is_null() {
            return Ok(Outcome::Error(format!("no tokens: {}", done.text())));
        }
        Ok(judge(&done, &[]))
    }
}

/// Whether a server answers an operation at all (a peer may not implement it): one try.
pub async fn probe(load: &OpLoad, conn: &mut Conn) -> Result<Option<String>> {
    Ok(match load.run(conn, 0, u64::MAX / 2).await? {
        Outcome::Ok => None,
        Outcome::Error(e) => Some(e),
    })
}

/// Seeds a server: a pool (email verified automatically), a client allowing password and SRP
/// sign-in, and `users` users with passwords, signed in for their access tokens.
pub async fn seed(conns: &mut [Conn], users: usize, name: &str) -> Result<Fixture> {
    let first = conns.first_mut().context("no connection")?;
    let pool = first.ok("CreateUserPool", &json!({"PoolName": name, "AutoVerifiedAttributes": ["email"]})).await?;
    let pool_id = pool["UserPool"]["Id"].as_str().context("pool id")?.to_string();
    let client = first
        .ok(
            "CreateUserPoolClient",
            &json!({
                "UserPoolId": pool_id,
                "ClientName": "bench",
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        )
        .await?;
    let client_id = client["UserPoolClient"]["ClientId"].as_str().context("client id")?.to_string();

    let lanes = conns.len();
    let mut tasks = Vec::new();
    for (lane, conn) in conns.iter_mut().enumerate() {
        let (pool_id, client_id) = (pool_id.clone(), client_id.clone());
        tasks.push(async move {
            let mut made = Vec::new();
            for i in (lane..users).step_by(lanes) {
                let username = username(i);
                conn.ok(
                    "AdminCreateUser",
                    &json!({
                        "UserPoolId": pool_id,
                        "Username": username,
                        "MessageAction": "SUPPRESS",
                        "UserAttributes": [
                            {"Name": "email", "Value": username},
                            {"Name": "email_verified", "Value": "true"},
                        ],
                    }),
                )
                .await?;
                conn.ok(
                    "AdminSetUserPassword",
                    &json!({"UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": true}),
                )
                .await?;
                let signed_in = conn
                    .ok(
                        "InitiateAuth",
                        &json!({
                            "AuthFlow": "USER_PASSWORD_AUTH",
                            "ClientId": client_id,
                            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
                        }),
                    )
                    .await?;
                let access_token: Value = signed_in["AuthenticationResult"]["AccessToken"].clone();
                let access_token = access_token.as_str().context("access token")?.to_string();
                made.push((i, User { username, access_token }));
            }
            anyhow::Ok(made)
        });
    }
    let mut all = Vec::new();
    for made in futures::future::join_all(tasks).await {
        all.extend(made?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(Fixture { pool_id, client_id, users: all.into_iter().map(|(_, u)| u).collect() })
}
