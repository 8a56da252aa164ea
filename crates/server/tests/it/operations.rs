//! Operating the service: a backup restores to a working service, and an unreachable database
//! makes requests fail fast with `InternalErrorException` while `/health` reports it.

use std::process::Command;

use crate::harness::{
    error_of, on_postgres, postgres_admin_url, postgres_database, spawn_on, spawn_with, TestServer, PASSWORD,
};

/// The same public URL on the original and the restored server, so tokens carry one issuer.
fn same_issuer(s: &mut cognate_server::Settings) {
    s.public_url = Some("http://cognate.test".into());
}

/// A copy of the server's database, made while it runs, as the README says; the URL of the copy.
async fn backup_and_restore(s: &TestServer, into: &tempfile::TempDir) -> String {
    if on_postgres() {
        let bin = std::path::PathBuf::from(std::env::var("PG_BIN_DIR").expect("PG_BIN_DIR (scripts/with-postgres)"));
        let dump = into.path().join("cognate.dump");
        let ok = Command::new(bin.join("pg_dump"))
            .args(["--format=custom", "--file"])
            .arg(&dump)
            .arg(&s.database_url)
            .status()
            .unwrap();
        assert!(ok.success(), "pg_dump");
        let (_, restored) = postgres_database().await;
        let ok = Command::new(bin.join("pg_restore"))
            .args(["--no-owner", "--dbname", &restored])
            .arg(&dump)
            .status()
            .unwrap();
        assert!(ok.success(), "pg_restore");
        restored
    } else {
        let copy = into.path().join("cognate.db");
        let out = Command::new(env!("CARGO_BIN_EXE_cognate"))
            .arg("backup")
            .arg(&copy)
            .arg("--data-dir")
            .arg(s.dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // A second backup to the same file is refused rather than overwriting it.
        let again = Command::new(env!("CARGO_BIN_EXE_cognate"))
            .arg("backup")
            .arg(&copy)
            .arg("--data-dir")
            .arg(s.dir.path())
            .output()
            .unwrap();
        assert!(!again.status.success());
        format!("sqlite://{}", copy.display())
    }
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_a_working_service() {
    let s = spawn_with(same_issuer).await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    s.confirmed_user(&pool, "jane", &[("email", "jane@example.com")]).await;
    let tokens = s.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    let access = tokens.access_token().unwrap().to_string();

    let into = tempfile::tempdir().unwrap();
    let restored_url = backup_and_restore(&s, &into).await;
    // Written after the backup: not in it.
    s.confirmed_user(&pool, "later", &[]).await;
    drop(s);

    let restored = spawn_on(tempfile::tempdir().unwrap(), restored_url, same_issuer).await;
    // The signing keys came back: a token issued before the backup still verifies.
    let user = restored.client.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(user.username(), "jane");
    restored.password_sign_in(&client, "jane", PASSWORD).await.unwrap();
    let e = restored.client.admin_get_user().user_pool_id(&pool).username("later").send().await.unwrap_err();
    assert_eq!(error_of(e).0, "UserNotFoundException");
    // And the refresh token works against the restored sessions.
    let refreshed = restored
        .client
        .initiate_auth()
        .client_id(&client)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    assert!(refreshed.authentication_result().unwrap().access_token().is_some());
}

/// Whether the server's database accepts connections; refusing also ends the open ones.
async fn allow_connections(database: &str, allow: bool) {
    let admin = sqlx::PgPool::connect(&postgres_admin_url()).await.unwrap();
    sqlx::query(&format!("ALTER DATABASE {database} WITH ALLOW_CONNECTIONS {allow}")).execute(&admin).await.unwrap();
    if !allow {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(database)
            .execute(&admin)
            .await
            .unwrap();
    }
    admin.close().await;
}

async fn health(s: &TestServer) -> (u16, serde_json::Value) {
    let r = s.http.get(format!("{}/health", s.url)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

// Always on PostgreSQL: a database server that goes away is what this is about.
#[tokio::test]
async fn when_the_database_is_unreachable_requests_fail_with_internal_error_and_health_says_so() {
    let (name, url) = postgres_database().await;
    let s = spawn_on(tempfile::tempdir().unwrap(), url, |_| {}).await;
    let (pool, client) = s.pool_and_client(|b| b).await;
    assert_eq!(health(&s).await.0, 200);

    allow_connections(&name, false).await;
    let e = s.client.describe_user_pool().user_pool_id(&pool).send().await.unwrap_err();
    assert_eq!(error_of(e), ("InternalErrorException".into(), "Internal server error.".into()));
    let e = s.client.sign_up().client_id(&client).username("ghost").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_of(e).0, "InternalErrorException");
    let (status, body) = health(&s).await;
    assert_eq!(status, 503);
    assert_eq!(body["store"], "unavailable");

    // Back again: the server recovers by itself, and the failed sign-up left nothing behind.
    allow_connections(&name, true).await;
    assert_eq!(health(&s).await.0, 200);
    s.client.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
    let e = s.client.admin_get_user().user_pool_id(&pool).username("ghost").send().await.unwrap_err();
    assert_eq!(error_of(e).0, "UserNotFoundException");
}
