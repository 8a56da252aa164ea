//! Hostile input, table-driven: malformed and oversized bodies, wrong types for every kind of
//! member, duplicate keys, NUL bytes, invalid UTF-8, slow clients, and a battery of forged,
//! stale and misused tokens. Each gets its AWS-shaped error, and the database is byte-for-byte
//! what it was before.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognate_core::tokens::SigningKey;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::harness::{jwt_payload, on_postgres, spawn, spawn_with, RawResponse, TestServer, PASSWORD};

/// Every row of every table, as text, sorted: what "the state" means in these tests.
async fn state(s: &TestServer) -> Vec<String> {
    use sqlx::{Column as _, Row as _};
    const TABLES: &[&str] = &[
        "user_pools",
        "user_pool_clients",
        "users",
        "user_aliases",
        "user_search",
        "user_events",
        "codes",
        "outbox",
        "signing_keys",
        "sessions",
        "server_secrets",
        "auth_challenges",
        "groups",
        "group_members",
    ];
    let db = s.db().await;
    let mut rows = Vec::new();
    for table in TABLES {
        let sql = if on_postgres() {
            format!("SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t")
        } else {
            format!("SELECT * FROM {table}")
        };
        for row in sqlx::query(&sql).fetch_all(&db).await.unwrap_or_else(|e| panic!("{table}: {e}")) {
            let mut text = format!("{table}:");
            for (i, column) in row.columns().iter().enumerate() {
                let value = row
                    .try_get::<Option<String>, _>(i)
                    .map(|v| format!("{v:?}"))
                    .or_else(|_| row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| row.try_get::<Option<f64>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| row.try_get::<Option<Vec<u8>>, _>(i).map(|v| format!("{v:?}")))
                    .unwrap_or_else(|e| panic!("{table}.{}: {e}", column.name()));
                text.push_str(&format!(" {}={value}", column.name()));
            }
            rows.push(text);
        }
    }
    db.close().await;
    rows.sort();
    rows
}

/// POSTs raw bytes to the API with the given operation as the target.
async fn post(s: &TestServer, target: &str, body: impl Into<reqwest::Body>) -> RawResponse {
    let r = s
        .http
        .post(format!("{}/", s.url))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{target}"))
        .body(body)
        .send()
        .await
        .expect("request");
    RawResponse::read(r).await
}

/// A pool with a client, a user signed in, and a second session of that user, signed out.
struct Scene {
    pool: String,
    client: String,
    tokens: AuthenticationResultType,
    revoked: String,
}

async fn scene(s: &TestServer) -> Scene {
    let (pool, client) = s.pool_and_client(|b| b).await;
    s.confirmed_user(&pool, "jane", &[("email", "jane@example.com"), ("email_verified", "true")]).await;
    let tokens = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    let other = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    let revoked = other.access_token().unwrap().to_string();
    s.client.revoke_token().client_id(&client).token(other.refresh_token().unwrap()).send().await.unwrap();
    Scene { pool, client, tokens, revoked }
}

#[tokio::test]
async fn bad_bodies_get_their_error_and_change_nothing() {
    let s = spawn().await;
    let sc = scene(&s).await;
    let token = sc.tokens.access_token().unwrap();
    let (pool, client) = (sc.pool.as_str(), sc.client.as_str());
    let sign_up = |rest: &str| format!(r#"{{"ClientId":"{client}","Password":"{PASSWORD}",{rest}}}"#);
    let create_user = |rest: &str| format!(r#"{{"UserPoolId":"{pool}",{rest}}}"#);
    let update = |rest: &str| format!(r#"{{"AccessToken":"{token}",{rest}}}"#);
    let deep = format!("{}1}}", r#"{"a":"#.repeat(100_000));
    let nested = format!("{}\"x\"{}", "{\"k\":".repeat(200), "}".repeat(200));
    let deep_in_member =
        format!(r#"{{"ClientId":"{client}","Username":"u","Password":"{PASSWORD}","ClientMetadata":{nested}}}"#);
    let huge_name = "a".repeat(900_000);
    let nul_raw = sign_up("\"Username\":\"a\u{0}b\"").into_bytes();
    let mut invalid_utf8 = sign_up("\"Username\":\"AB\"").into_bytes();
    let at = invalid_utf8.iter().position(|&b| b == b'A').unwrap();
    invalid_utf8[at] = 0xff;
    invalid_utf8[at + 1] = 0xfe;

    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("truncated JSON", "SignUp", sign_up(r#""Username":"ann""#)[..40].into(), 400, "SerializationException"),
        (
            "trailing garbage",
            "SignUp",
            format!("{} x", sign_up(r#""Username":"ann""#)).into(),
            400,
            "SerializationException",
        ),
        ("deeply nested JSON", "SignUp", deep.into(), 400, "SerializationException"),
        ("nesting inside a map member", "SignUp", deep_in_member.into(), 400, "SerializationException"),
        ("top level not an object", "SignUp", b"[1,2,3]".to_vec(), 400, "SerializationException"),
        (
            "a huge string",
            "SignUp",
            sign_up(&format!(r#""Username":"{huge_name}""#)).into(),
            400,
            "InvalidParameterException",
        ),
        ("invalid UTF-8", "SignUp", invalid_utf8, 400, "SerializationException"),
        ("a raw NUL byte", "SignUp", nul_raw, 400, "SerializationException"),
        (
            "an escaped NUL in a pattern-checked member",
            "SignUp",
            sign_up(r#""Username":"a\u0000b""#).into(),
            400,
            "InvalidParameterException",
        ),
        (
            "a duplicate key",
            "SignUp",
            sign_up(r#""Username":"ann","Username":"bob""#).into(),
            400,
            "SerializationException",
        ),
        (
            "a duplicate key deeper down",
            "AdminCreateUser",
            create_user(r#""Username":"ann","UserAttributes":[{"Name":"email","Name":"phone_number","Value":"x"}]"#)
                .into(),
            400,
            "SerializationException",
        ),
        ("string member given a number", "SignUp", sign_up(r#""Username":5"#).into(), 400, "SerializationException"),
        ("string member given null", "SignUp", sign_up(r#""Username":null"#).into(), 400, "InvalidParameterException"),
        (
            "boolean member given a string",
            "AdminCreateUser",
            create_user(r#""Username":"ann","ForceAliasCreation":"true""#).into(),
            400,
            "SerializationException",
        ),
        (
            "list member given an object",
            "AdminCreateUser",
            create_user(r#""Username":"ann","UserAttributes":{"Name":"email"}"#).into(),
            400,
            "SerializationException",
        ),
        (
            "structure in a list given a string",
            "AdminCreateUser",
            create_user(r#""Username":"ann","UserAttributes":["email"]"#).into(),
            400,
            "SerializationException",
        ),
        (
            "map member given a list",
            "SignUp",
            sign_up(r#""Username":"ann","ClientMetadata":["a"]"#).into(),
            400,
            "SerializationException",
        ),
        (
            "map value given a number",
            "SignUp",
            sign_up(r#""Username":"ann","ClientMetadata":{"a":1}"#).into(),
            400,
            "SerializationException",
        ),
        (
            "enum member given a number",
            "AdminCreateUser",
            create_user(r#""Username":"ann","MessageAction":1"#).into(),
            400,
            "SerializationException",
        ),
        (
            "enum member given an unknown value",
            "AdminCreateUser",
            create_user(r#""Username":"ann","MessageAction":"SHOUT""#).into(),
            400,
            "InvalidParameterException",
        ),
        (
            "enum list given a bad value",
            "AdminCreateUser",
            create_user(r#""Username":"ann","DesiredDeliveryMediums":["PIGEON"]"#).into(),
            400,
            "InvalidParameterException",
        ),
        (
            "integer member given a string",
            "CreateUserPool",
            br#"{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":"8"}}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "integer member given a fraction",
            "CreateUserPool",
            br#"{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":8.5}}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "integer member out of range",
            "CreateUserPool",
            br#"{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":99999999999999999999}}}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "structure member given a list",
            "CreateUserPool",
            br#"{"PoolName":"p","Policies":[]}"#.to_vec(),
            400,
            "SerializationException",
        ),
        (
            "a missing required member",
            "UpdateUserAttributes",
            update(r#""ClientMetadata":{}"#).into(),
            400,
            "InvalidParameterException",
        ),
        (
            "an attribute value too long",
            "UpdateUserAttributes",
            update(&format!(r#""UserAttributes":[{{"Name":"email","Value":"{}"}}]"#, "e".repeat(2049))).into(),
            400,
            "InvalidParameterException",
        ),
        (
            "an oversized body",
            "SignUp",
            sign_up(&format!(r#""Username":"ann","ClientMetadata":{{"a":"{}"}}"#, "x".repeat(1_100_000))).into(),
            400,
            "InvalidParameterException",
        ),
    ];

    let before = state(&s).await;
    for (what, target, body, status, code) in cases {
        let r = post(&s, target, body).await;
        assert_eq!(r.status, status, "{what}: {:?}", r.body);
        let message = r.assert_error(status, code);
        assert!(message.len() < 2_000, "{what}: the message echoes the input ({} bytes)", message.len());
        assert!(!message.contains(PASSWORD), "{what}: the message shows the password");
        assert_eq!(state(&s).await, before, "{what}: the state changed");
    }
    // The same requests, well formed, do change it: the comparison could fail.
    let r = post(&s, "SignUp", sign_up(r#""Username":"ann""#)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_ne!(state(&s).await, before);
}

/// Signs `claims` with `key`, whose kid goes in the header.
fn sign(key: &SigningKey, claims: &serde_json::Value) -> String {
    key.sign(claims).unwrap()
}

/// The pool's signing key, read from the database and opened with the test servers' KEK.
async fn pool_key(s: &TestServer, pool: &str) -> (String, Vec<u8>) {
    let db = s.db().await;
    let (kid, sealed): (String, Vec<u8>) =
        sqlx::query_as("SELECT kid, private_key FROM signing_keys WHERE pool_id = $1")
            .bind(pool)
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    let kek = cognate_server::keys::decode_kek(crate::harness::TEST_KEK).unwrap();
    let vault = cognate_core::vault::Vault::new(&kek).unwrap();
    let der = vault.open(&cognate_core::vault::signing_key_context(pool, &kid), &sealed).unwrap();
    (kid, der)
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn forged_stale_and_misused_tokens_are_refused_and_change_nothing() {
    use aws_lc_rs::hmac;
    let s = spawn().await;
    let sc = scene(&s).await;
    let access = sc.tokens.access_token().unwrap().to_string();
    let claims = jwt_payload(&access);
    let parts: Vec<&str> = access.split('.').collect();
    let (kid, der) = pool_key(&s, &sc.pool).await;
    let own = SigningKey::from_pkcs8(kid.clone(), &der).unwrap();

    // Another pool's key, under its own kid and under this pool's kid.
    let (other, other_client) = s.pool_and_client(|b| b).await;
    s.confirmed_user(&other, "mallory", &[]).await;
    s.password_sign_in(&other_client, "mallory", PASSWORD).await.unwrap();
    let (other_kid, other_der) = pool_key(&s, &other).await;
    let foreign = SigningKey::from_pkcs8(other_kid, &other_der).unwrap();
    let foreign_as_own = SigningKey::from_pkcs8(kid.clone(), &other_der).unwrap();
    let wrong_kid = SigningKey::from_pkcs8("not-a-key-of-this-pool".into(), &der).unwrap();

    // HS256 keyed with the public key, as a confused verifier would check it.
    let jwks: serde_json::Value =
        s.http.get(format!("{}/{}/.well-known/jwks.json", s.url, sc.pool)).send().await.unwrap().json().await.unwrap();
    let hs_header = b64(format!(r#"{{"kid":"{kid}","alg":"HS256"}}"#));
    let hs_input = format!("{hs_header}.{}", parts[1]);
    let mut hs_tokens = Vec::new();
    for secret in [jwks.to_string(), jwks["keys"][0]["n"].as_str().unwrap().to_string()] {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()), hs_input.as_bytes());
        hs_tokens.push(format!("{hs_input}.{}", b64(tag.as_ref())));
    }

    let now = claims["iat"].as_i64().unwrap();
    let with = |changes: &[(&str, serde_json::Value)]| {
        let mut c = claims.clone();
        for (k, v) in changes {
            c[*k] = v.clone();
        }
        c
    };
    let invalid = "Invalid Access Token";
    let mut cases: Vec<(&str, String, &str)> = vec![
        ("alg none", format!("{}.{}.", b64(format!(r#"{{"kid":"{kid}","alg":"none"}}"#)), parts[1]), invalid),
        ("alg none, signature kept", format!("{}.{}.{}", b64(r#"{"alg":"none"}"#), parts[1], parts[2]), invalid),
        ("wrong kid", sign(&wrong_kid, &claims), invalid),
        ("another pool's key", sign(&foreign, &claims), invalid),
        ("another pool's key under this pool's kid", sign(&foreign_as_own, &claims), invalid),
        ("an ID token", sc.tokens.id_token().unwrap().to_string(), invalid),
        ("token_use id, signed by the pool", sign(&own, &with(&[("token_use", "id".into())])), invalid),
        ("no token_use", sign(&own, &with(&[("token_use", serde_json::Value::Null)])), invalid),
        ("another issuer", sign(&own, &with(&[("iss", format!("{}/{other}", s.url).into())])), invalid),
        ("expired", sign(&own, &with(&[("exp", (now - 1).into())])), "Access Token has expired"),
        ("not yet valid (iat)", sign(&own, &with(&[("iat", (now + 600).into())])), invalid),
        ("not yet valid (nbf)", sign(&own, &with(&[("nbf", (now + 600).into())])), invalid),
        ("revoked", sc.revoked.clone(), "Access Token has been revoked"),
        ("truncated", access[..access.len() - 10].to_string(), invalid),
        ("truncated to two parts", format!("{}.{}", parts[0], parts[1]), invalid),
        ("padded", format!("{access}=="), invalid),
        ("padded parts", format!("{}=.{}=.{}", parts[0], parts[1], parts[2]), invalid),
        ("a fourth part", format!("{access}.{}", parts[2]), invalid),
        (
            "payload swapped under the signature",
            format!("{}.{}.{}", parts[0], b64(with(&[("username", "root".into())]).to_string()), parts[2]),
            invalid,
        ),
    ];
    for (i, t) in hs_tokens.into_iter().enumerate() {
        cases.push((if i == 0 { "HS256 keyed with the JWKS" } else { "HS256 keyed with the modulus" }, t, invalid));
    }

    let before = state(&s).await;
    for (what, token, message) in &cases {
        // GetUserAttributeVerificationCode writes a code and a message when it succeeds;
        // UpdateUserAttributes changes the user.
        let r = post(
            &s,
            "GetUserAttributeVerificationCode",
            format!(r#"{{"AccessToken":"{token}","AttributeName":"email"}}"#),
        )
        .await;
        assert_eq!(r.assert_error(400, "NotAuthorizedException"), *message, "{what}");
        let r = post(
            &s,
            "UpdateUserAttributes",
            format!(r#"{{"AccessToken":"{token}","UserAttributes":[{{"Name":"name","Value":"Mallory"}}]}}"#),
        )
        .await;
        assert_eq!(r.assert_error(400, "NotAuthorizedException"), *message, "{what}");
        assert_eq!(state(&s).await, before, "{what}: the state changed");
    }
    // The genuine token, and the same claims signed by the pool's key, are accepted: the cases
    // above fail for what they change, not for anything else.
    for token in [access.clone(), sign(&own, &claims)] {
        let r = post(&s, "GetUser", format!(r#"{{"AccessToken":"{token}"}}"#)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = post(
        &s,
        "GetUserAttributeVerificationCode",
        format!(r#"{{"AccessToken":"{access}","AttributeName":"email"}}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_ne!(state(&s).await, before);
}

/// Opens a connection to the server and sends `bytes`.
async fn send_raw(s: &TestServer, bytes: &[u8]) -> tokio::net::TcpStream {
    let addr = s.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// Everything the server sends until it closes the connection (or 10 s pass).
async fn read_to_close(stream: &mut tokio::net::TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server kept a slow connection open");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn slow_clients_are_cut_off() {
    let s = spawn_with(|c| c.request_timeout_ms = 300).await;
    let sc = scene(&s).await;
    let before = state(&s).await;

    // Headers that never finish: the connection is closed without an answer.
    let mut stream = send_raw(&s, b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSCognito").await;
    let answer = read_to_close(&mut stream).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer:?}");

    // A connection that says nothing at all.
    let mut stream = send_raw(&s, b"").await;
    assert_eq!(read_to_close(&mut stream).await, "");

    // A body that stops halfway: 408 with the AWS envelope, and nothing stored.
    let body = format!(r#"{{"ClientId":"{}","Username":"slow","Password":"{PASSWORD}"}}"#, sc.client);
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = send_raw(&s, format!("{head}{}", &body[..body.len() / 2]).as_bytes()).await;
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.to_ascii_lowercase().contains("x-amzn-errortype: requesttimeoutexception:"), "{answer:?}");
    assert!(answer.contains(r#""__type":"RequestTimeoutException""#), "{answer:?}");
    assert_eq!(state(&s).await, before);

    // A client that sends in time is served on the same server.
    let r = post(&s, "SignUp", body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
