//! The store conformance suite: what every backend must do, run here against a real SQLite
//! file (and, with the PostgreSQL backend, against a real server).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use cognate_core::ports::{ClientRecord, PoolRecord, Store};

async fn sqlite() -> (tempfile::TempDir, std::sync::Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cognate.db").display());
    let store = cognate_store::open(&url).await.unwrap();
    (dir, store)
}

fn pool(id: &str) -> PoolRecord {
    PoolRecord { id: id.into(), name: format!("name-{id}"), document: "{}".into(), created_at: 1, version: 1 }
}

fn client(pool_id: &str, id: &str) -> ClientRecord {
    ClientRecord {
        client_id: id.into(),
        pool_id: pool_id.into(),
        name: "c".into(),
        document: "{}".into(),
        created_at: 1,
        version: 1,
    }
}

#[tokio::test]
async fn pools_are_inserted_read_listed_in_pages_and_deleted() {
    let (_dir, s) = sqlite().await;
    for id in ["r_c", "r_a", "r_b"] {
        s.insert_pool(&pool(id)).await.unwrap();
    }
    assert_eq!(s.get_pool("r_a").await.unwrap(), Some(pool("r_a")));
    assert!(s.get_pool("r_z").await.unwrap().is_none());
    let first: Vec<_> = s.list_pools(None, 2).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(first, ["r_a", "r_b"]);
    let rest: Vec<_> = s.list_pools(Some("r_b"), 2).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(rest, ["r_c"]);
    assert!(s.delete_pool("r_a").await.unwrap());
    assert!(!s.delete_pool("r_a").await.unwrap());
}

#[tokio::test]
async fn a_duplicate_pool_id_is_a_conflict_not_a_backend_failure() {
    let (_dir, s) = sqlite().await;
    s.insert_pool(&pool("r_a")).await.unwrap();
    let err = s.insert_pool(&pool("r_a")).await.unwrap_err();
    assert!(matches!(err, cognate_core::ports::StoreError::Conflict { .. }), "{err:?}");
}

#[tokio::test]
async fn updates_are_conditional_on_the_version_read() {
    let (_dir, s) = sqlite().await;
    s.insert_pool(&pool("r_a")).await.unwrap();
    let mut next = pool("r_a");
    next.version = 2;
    next.document = "{\"a\":1}".into();
    assert!(s.update_pool(&next).await.unwrap());
    // A second writer that read version 1 loses.
    assert!(!s.update_pool(&next).await.unwrap());
    assert_eq!(s.get_pool("r_a").await.unwrap().unwrap().document, "{\"a\":1}");
}

#[tokio::test]
async fn clients_belong_to_an_existing_pool_and_go_with_it() {
    let (_dir, s) = sqlite().await;
    assert!(!s.insert_client(&client("r_a", "c1")).await.unwrap(), "no pool, no client");
    s.insert_pool(&pool("r_a")).await.unwrap();
    for id in ["c2", "c1", "c3"] {
        assert!(s.insert_client(&client("r_a", id)).await.unwrap());
    }
    let page: Vec<_> = s.list_clients("r_a", Some("c1"), 5).await.unwrap().into_iter().map(|c| c.client_id).collect();
    assert_eq!(page, ["c2", "c3"]);
    assert!(!s.delete_client("r_other", "c1").await.unwrap());
    assert!(s.delete_client("r_a", "c1").await.unwrap());
    assert!(s.delete_pool("r_a").await.unwrap());
    assert!(s.get_client("c2").await.unwrap().is_none());
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cognate.db").display());
    let s = cognate_store::open(&url).await.unwrap();
    s.insert_pool(&pool("r_a")).await.unwrap();
    s.close().await;
    let s = cognate_store::open(&url).await.unwrap();
    assert_eq!(s.get_pool("r_a").await.unwrap(), Some(pool("r_a")));
}
