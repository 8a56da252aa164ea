//! SQLite keeps a user's limit events that left their window only until there are a few of
//! them: the table stays small without a delete on every event, and stale events never count.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use cognate_store::StoreOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;

#[tokio::test]
async fn stale_events_are_swept_in_bulk_and_never_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cognate.db");
    let store = cognate_store::open(&format!("sqlite://{}", path.display()), &StoreOptions::default()).await.unwrap();
    let raw = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(&path).foreign_keys(true))
        .await
        .unwrap();
    for sql in [
        "INSERT INTO user_pools (id, name, document, created_at, version) VALUES ('p', 'p', '{}', 1, 1)",
        "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, attributes, created_at, \
         updated_at, version) VALUES ('p', 'alice', 'alice', 's', 'CONFIRMED', 1, '[]', 1, 1, 1)",
    ] {
        sqlx::query(sql).execute(&raw).await.unwrap();
    }
    let rows = |since: i64| {
        let raw = raw.clone();
        async move {
            let r = sqlx::query("SELECT COUNT(*), IFNULL(SUM(at <= ?1), 0) FROM user_events")
                .bind(since)
                .fetch_one(&raw)
                .await
                .unwrap();
            (r.get::<i64, _>(0), r.get::<i64, _>(1))
        }
    };

    // An event every 3 ms with a 10 ms window: never more than 4 count, so all are recorded.
    let mut most_stale = 0;
    for at in (100..400).step_by(3) {
        assert!(store.record_event("p", "alice", "get_code", at, at - 10, 5).await.unwrap(), "event at {at}");
        let (all, stale) = rows(at - 10).await;
        most_stale = most_stale.max(stale);
        assert!(stale <= 16, "at most 16 stale events are kept, found {stale} at {at}");
        assert!(all - stale <= 5, "at most the limit's worth count, found {} at {at}", all - stale);
    }
    assert!(most_stale >= 8, "stale events are left for a while rather than deleted each time ({most_stale})");

    // Stale events never count: with max 4 in the window, the fifth in it is refused.
    let now = 1_000;
    for at in now..now + 4 {
        assert!(store.record_event("p", "alice", "get_code", at, now - 1, 4).await.unwrap());
    }
    assert!(!store.record_event("p", "alice", "get_code", now + 4, now - 1, 4).await.unwrap());
    assert_eq!(store.recent_events("p", "alice", "get_code", now - 1).await.unwrap(), (4, Some(now + 3)));
}
