//! Secrets at rest: what a stolen database file alone does not yield, and the key-encryption
//! key that seals it.

use std::sync::Arc;

use base64::Engine;
use cognate_core::ports::ManualClock;
use cognate_server::config::Secret;
use cognate_server::{Overrides, Server, Settings};
use sqlx::Row;

use crate::harness::{on_postgres, sdk_client, spawn, spawn_with, PASSWORD, START_MILLIS, TEST_KEK};

/// Every byte of the SQLite database, its WAL included.
fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["cognate.db", "cognate.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    all
}

#[tokio::test]
async fn the_database_holds_signing_keys_verifiers_and_the_code_key_only_sealed() {
    let s = spawn().await;
    let (pool, client) = s.pool_and_client(|p| p).await;
    s.confirmed_user(&pool, "jane", &[("email", "jane@example.com")]).await;
    let tokens = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    s.client
        .get_user_attribute_verification_code()
        .access_token(tokens.access_token().unwrap())
        .attribute_name("email")
        .send()
        .await
        .unwrap();

    let db = s.db().await;
    let key: Vec<u8> = sqlx::query("SELECT private_key FROM signing_keys WHERE pool_id = $1")
        .bind(&pool)
        .fetch_one(&db)
        .await
        .unwrap()
        .get(0);
    assert!(key.starts_with(b"cgv1"), "the private key is sealed");
    let password: String =
        sqlx::query("SELECT password FROM users WHERE pool_id = $1").bind(&pool).fetch_one(&db).await.unwrap().get(0);
    let password: serde_json::Value = serde_json::from_str(&password).unwrap();
    assert!(password["verifier"].as_str().unwrap().starts_with("sealed:v1:"), "{password}");
    let secrets = sqlx::query("SELECT name, value FROM server_secrets").fetch_all(&db).await.unwrap();
    assert!(!secrets.is_empty());
    for row in secrets {
        let value: Vec<u8> = row.get(1);
        assert!(value.starts_with(b"cgv1"), "server secret {} is sealed", row.get::<String, _>(0));
    }
    db.close().await;

    if !on_postgres() {
        // The RSA modulus is in every private key: it must appear nowhere in the file.
        let jwks: serde_json::Value =
            reqwest::get(format!("{}/{pool}/.well-known/jwks.json", s.url)).await.unwrap().json().await.unwrap();
        let n =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwks["keys"][0]["n"].as_str().unwrap()).unwrap();
        let file = database_bytes(s.dir.path());
        assert!(!file.windows(64).any(|w| w == &n[..64]), "the private key's modulus is in the database file");
        assert!(
            !std::str::from_utf8(&file).is_ok_and(|t| t.contains(TEST_KEK)),
            "the key-encryption key is not stored"
        );
    }
}

#[tokio::test]
async fn another_key_encryption_key_is_refused_at_start_and_the_right_one_opens_everything() {
    // A fixed public URL keeps the tokens' issuer across the restart (the port changes).
    let mut s = spawn_with(|s| s.public_url = Some("http://cognate.test".into())).await;
    let (pool, client) = s.pool_and_client(|p| p).await;
    s.confirmed_user(&pool, "jane", &[]).await;
    let tokens = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();

    let other = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: s.dir.path().to_path_buf(),
        database_url: Some(Secret(s.database_url.clone())),
        key_encryption_key: Some(Secret(other)),
        ..Settings::default()
    };
    let clock = Arc::new(ManualClock::new(START_MILLIS));
    let e = Server::start(settings, Overrides { clock: Some(clock), ..Default::default() }).await.err().unwrap();
    let message = format!("{e:#}");
    assert!(message.contains("does not open this database's secrets"), "{message}");
    assert!(!message.contains(TEST_KEK));

    // With the right key, after a restart, the old token verifies and the password still works.
    s.restart().await;
    s.client.get_user().access_token(tokens.access_token().unwrap()).send().await.expect("old token");
    s.password_sign_in(&client, "jane", PASSWORD).await.expect("password still opens");
    assert!(s.password_sign_in(&client, "jane", "Wr0ng-password!").await.is_err());
}

#[tokio::test]
async fn without_a_configured_key_one_is_generated_owner_only_and_kept() {
    let mut s = spawn_with(|s| {
        s.key_encryption_key = None;
        s.public_url = Some("http://cognate.test".into());
    })
    .await;
    let file = s.dir.path().join("kek");
    let text = std::fs::read_to_string(&file).expect("a generated kek file");
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(text.trim()).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let (pool, client) = s.pool_and_client(|p| p).await;
    s.confirmed_user(&pool, "jane", &[]).await;
    let tokens = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    s.restart().await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the same key after a restart");
    s.client.get_user().access_token(tokens.access_token().unwrap()).send().await.expect("old token");
    let again = sdk_client(&s.url);
    again.list_user_pools().max_results(10).send().await.unwrap();
}

#[test]
fn a_malformed_key_encryption_key_is_a_configuration_error() {
    let e = Settings::resolve(cognate_server::config::ServeArgs {
        key_encryption_key: Some("too-short".into()),
        ..Default::default()
    })
    .unwrap_err();
    assert!(format!("{e:#}").contains("invalid key-encryption key"), "{e:#}");
}

#[tokio::test]
async fn keys_rotate_adds_a_key_that_signs_new_tokens_while_old_ones_verify_until_retired() {
    use cognate_core::ports::Clock;
    // A fixed public URL: tokens keep their issuer across the restart below.
    let s = spawn_with(|s| s.public_url = Some("http://cognate.test".into())).await;
    let (pool, client) = s.pool_and_client(|p| p).await;
    s.confirmed_user(&pool, "jane", &[]).await;
    let before = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    let kid_of = |token: &str| -> String {
        let header = token.split('.').next().unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
        header["kid"].as_str().unwrap().to_string()
    };
    let old_kid = kid_of(before.access_token().unwrap());

    let rotate = |pool: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cognate"))
            .args(["keys", "rotate", "--pool", pool, "--database", &s.database_url])
            .args(["--key-encryption-key", TEST_KEK])
            .output()
            .unwrap()
    };
    let out = rotate(&pool);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let new_kid = said.split_whitespace().nth(4).unwrap().trim_end_matches(';').to_string();
    assert_ne!(new_kid, old_kid);

    // Within a minute every instance signs with the new key; the old token still verifies and
    // both keys are published.
    s.clock.advance(61_000);
    let after = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    assert_eq!(kid_of(after.access_token().unwrap()), new_kid);
    s.client.get_user().access_token(before.access_token().unwrap()).send().await.expect("old token verifies");
    let jwks = |url: String| async move {
        let body: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        body["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let url = format!("{}/{pool}/.well-known/jwks.json", s.url);
    assert_eq!(jwks(url.clone()).await, [old_kid.clone(), new_kid.clone()]);

    // A day after the rotation (by the new key's time), the old key is retired.
    let rotated_at = cognate_core::ports::SystemClock.now_millis();
    s.clock.set(rotated_at + 25 * 3_600_000);
    assert_eq!(jwks(url).await, std::slice::from_ref(&new_kid));
    let fresh = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    s.client.get_user().access_token(fresh.access_token().unwrap()).send().await.expect("new key verifies");

    let out = rotate("us-east-1_nosuchpoo");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user pool us-east-1_nosuchpoo"));
}
