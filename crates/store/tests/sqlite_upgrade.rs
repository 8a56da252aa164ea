//! A SQLite database written by an earlier version keeps its data when a newer one opens it:
//! the schema's later migrations rebuild tables, and nothing may be lost on the way.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::borrow::Cow;

use cognate_core::ports::store::{EventLimit, MessageFilter};
use cognate_store::StoreOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

/// The schema as version 6 of the migrations left it, with a user, two codes, three limit
/// events (two in the same millisecond) and three messages (one sent, two pending).
async fn database_at_version_6(path: &std::path::Path) {
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true).foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
    let mut migrator = sqlx::migrate!("./migrations/sqlite");
    migrator.migrations = Cow::Owned(migrator.migrations.iter().filter(|m| m.version <= 6).cloned().collect());
    migrator.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO user_pools (id, name, document, created_at, version) VALUES ('p', 'p', '{}', 1, 1)",
        "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, attributes, created_at, \
         updated_at, version) VALUES ('p', 'alice', 'alice', 's', 'CONFIRMED', 1, '[]', 1, 1, 1)",
        "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, failures, created_at) \
         VALUES ('p', 'alice', 'verify:email', 'h1', 9000, 1, 100), ('p', 'alice', 'forgot', 'h2', 9000, 0, 100)",
        "INSERT INTO user_events (pool_id, username_key, action, at) \
         VALUES ('p', 'alice', 'get_code', 500), ('p', 'alice', 'get_code', 500), ('p', 'alice', 'get_code', 700)",
        "INSERT INTO outbox (id, seq, pool_id, username, medium, destination, sender, subject, body, created_at, \
         status, attempts, next_attempt_at, last_error) VALUES \
         ('m1', 1, 'p', 'alice', 'EMAIL', 'a@example.com', 'from@example.com', 'S', 'one', 10, 'sent', 1, 10, NULL), \
         ('m2', 2, 'p', 'alice', 'SMS', '+15550100', NULL, NULL, 'two', 20, 'pending', 2, 30, 'refused'), \
         ('m3', 3, 'p', 'alice', 'EMAIL', 'a@example.com', NULL, 'S', 'three', 30, 'pending', 0, 30, NULL)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn a_database_from_before_the_keyed_tables_keeps_its_codes_events_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cognate.db");
    database_at_version_6(&path).await;

    let store = cognate_store::open(&format!("sqlite://{}", path.display()), &StoreOptions::default()).await.unwrap();

    let code = store.get_code("p", "alice", "verify:email").await.unwrap().unwrap();
    assert_eq!((code.code_hash.as_str(), code.expires_at, code.failures, code.created_at), ("h1", 9000, 1, 100));
    assert!(store.get_code("p", "alice", "forgot").await.unwrap().is_some());

    // Two events in one millisecond still count twice.
    assert_eq!(store.recent_events("p", "alice", "get_code", 0).await.unwrap(), (3, Some(700)));
    assert_eq!(store.recent_events("p", "alice", "get_code", 500).await.unwrap(), (1, Some(700)));
    let limit = EventLimit { action: "get_code".into(), at: 800, since: 0, max: 4 };
    assert!(store.record_event("p", "alice", &limit.action, limit.at, limit.since, limit.max).await.unwrap());
    assert!(!store.record_event("p", "alice", &limit.action, 801, limit.since, limit.max).await.unwrap());

    // Messages keep their order, fields and states; the pending ones are still delivered, due
    // first first, and new messages go after the old ones.
    let all = store.list_messages(&MessageFilter::default(), 10).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m3", "m2", "m1"]);
    let m2 = &all[1];
    assert_eq!(
        (m2.medium.as_str(), m2.destination.as_str(), m2.status.as_str(), m2.attempts, m2.last_error.as_deref()),
        ("SMS", "+15550100", "pending", 2, Some("refused"))
    );
    assert_eq!(all[2].sender.as_deref(), Some("from@example.com"));
    let claimed = store.claim_messages(40, 1_000, 10).await.unwrap();
    let claimed: Vec<&str> = claimed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(claimed, ["m2", "m3"]);
    let mut m4 = all[0].clone();
    m4.id = "m4".into();
    store.put_code(&code, Some(&m4)).await.unwrap();
    let newest = store.list_messages(&MessageFilter::default(), 1).await.unwrap();
    assert_eq!(newest[0].id, "m4");
}
