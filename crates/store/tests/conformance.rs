//! The store conformance suite: what every backend must do, run against a real SQLite file and
//! a real PostgreSQL server (a fresh database per test on the server `TEST_DATABASE_URL` names;
//! `scripts/with-postgres` starts one, and the README's test command uses it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::sync::Arc;

use cognate_core::ports::store::{
    AliasClaim, Attempt, ChallengeRecord, EventLimit, GroupRecord, KeyRecord, MessageFilter, PutCode, SessionRecord,
    UserFilter, UserIndex, UserWrite,
};
use cognate_core::ports::{ClientRecord, CodeRecord, OutboxMessage, PoolRecord, Store, StoreError, UserRecord};
use cognate_store::StoreOptions;

/// A store and what keeps it alive.
struct Fixture {
    store: Arc<dyn Store>,
    url: String,
    _dir: tempfile::TempDir,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cognate.db").display());
    let store = cognate_store::open(&url, &StoreOptions::default()).await.unwrap();
    Fixture { store, url, _dir: dir }
}

/// SQLite with power-loss-safe commits (`synchronous=FULL`): the same behaviour.
async fn sqlite_durable() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cognate.db").display());
    let store = cognate_store::open(&url, &StoreOptions { durable: true, ..Default::default() }).await.unwrap();
    Fixture { store, url, _dir: dir }
}

async fn postgres() -> Fixture {
    let url = fresh_postgres_database().await;
    let store = cognate_store::open(&url, &StoreOptions::default()).await.unwrap();
    Fixture { store, url, _dir: tempfile::tempdir().unwrap() }
}

/// A new, empty database on the test server.
async fn fresh_postgres_database() -> String {
    let admin = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "the PostgreSQL conformance tests need a server: set TEST_DATABASE_URL, or run them through \
             scripts/with-postgres (as ./scripts/test does)"
        )
    });
    let name = format!("conformance_{}", uuid::Uuid::new_v4().simple());
    let conn = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.unwrap();
    conn.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
    format!("{base}/{name}")
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

fn user(pool_id: &str, key: &str) -> UserRecord {
    UserRecord {
        pool_id: pool_id.into(),
        username_key: key.into(),
        username: key.into(),
        sub: format!("sub-{key}"),
        status: "CONFIRMED".into(),
        enabled: true,
        attributes: "[]".into(),
        password: None,
        mfa: "{}".into(),
        pending: "{}".into(),
        created_at: 1,
        updated_at: 1,
        version: 1,
    }
}

fn email(value: &str) -> UserIndex {
    UserIndex {
        aliases: vec![AliasClaim { kind: "email".into(), key: value.into() }],
        search: vec![("email".into(), value.into())],
    }
}

fn code(pool_id: &str, key: &str, hash: &str) -> CodeRecord {
    CodeRecord {
        pool_id: pool_id.into(),
        username_key: key.into(),
        purpose: "verify:email".into(),
        code_hash: hash.into(),
        expires_at: 10_000,
        failures: 0,
        created_at: 5,
    }
}

fn message(id: &str, username: &str) -> OutboxMessage {
    OutboxMessage {
        id: id.into(),
        pool_id: "r_a".into(),
        username: username.into(),
        medium: "EMAIL".into(),
        destination: format!("{username}@example.com"),
        sender: None,
        subject: Some("s".into()),
        body: format!("body of {id}"),
        created_at: 1,
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: 0,
        last_error: None,
    }
}

fn conflict_on(err: StoreError) -> String {
    match err {
        StoreError::Conflict { constraint } => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn with_pool(s: &dyn Store) {
    s.insert_pool(&pool("r_a")).await.unwrap();
}

async fn pools_are_inserted_read_listed_in_pages_and_deleted(f: Fixture) {
    let s = f.store;
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

async fn a_duplicate_pool_id_is_a_conflict_not_a_backend_failure(f: Fixture) {
    let s = f.store;
    s.insert_pool(&pool("r_a")).await.unwrap();
    let err = s.insert_pool(&pool("r_a")).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
}

async fn updates_are_conditional_on_the_version_read(f: Fixture) {
    let s = f.store;
    s.insert_pool(&pool("r_a")).await.unwrap();
    let mut next = pool("r_a");
    next.version = 2;
    next.document = "{\"a\":1}".into();
    assert!(s.update_pool(&next).await.unwrap());
    // A second writer that read version 1 loses.
    assert!(!s.update_pool(&next).await.unwrap());
    assert_eq!(s.get_pool("r_a").await.unwrap().unwrap().document, "{\"a\":1}");
}

async fn clients_belong_to_an_existing_pool_and_go_with_it(f: Fixture) {
    let s = f.store;
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

async fn data_survives_reopening(f: Fixture) {
    f.store.insert_pool(&pool("r_a")).await.unwrap();
    f.store.close().await;
    let s = cognate_store::open(&f.url, &StoreOptions::default()).await.unwrap();
    assert_eq!(s.get_pool("r_a").await.unwrap(), Some(pool("r_a")));
    // Opening again applies no migration twice.
    s.close().await;
    cognate_store::open(&f.url, &StoreOptions::default()).await.unwrap();
}

async fn users_conflict_on_username_sub_and_aliases_without_partial_writes(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let alice = user("r_a", "alice");
    s.create_user(UserWrite::new(&alice, &email("a@example.com"))).await.unwrap();

    let mut again = alice.clone();
    again.sub = "another-sub".into();
    let again = s.create_user(UserWrite::new(&again, &UserIndex::default())).await.unwrap_err();
    assert_eq!(conflict_on(again), "users");

    let mut same_sub = user("r_a", "other");
    same_sub.sub = alice.sub.clone();
    assert_eq!(
        conflict_on(s.create_user(UserWrite::new(&same_sub, &UserIndex::default())).await.unwrap_err()),
        "users_by_sub"
    );

    // Bob claims Alice's email: refused, and Bob is not half-created.
    let bob = user("r_a", "bob");
    let err = s.create_user(UserWrite::new(&bob, &email("a@example.com"))).await.unwrap_err();
    assert_eq!(conflict_on(err), "alias:email");
    assert!(s.get_user("r_a", "bob").await.unwrap().is_none());

    let found = s.find_user_by_alias("r_a", "email", "a@example.com").await.unwrap().unwrap();
    assert_eq!(found, alice);
    assert_eq!(s.count_users("r_a").await.unwrap(), 1);
}

async fn saving_a_user_is_conditional_and_replaces_its_index(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let alice = user("r_a", "alice");
    s.create_user(UserWrite::new(&alice, &email("a@example.com"))).await.unwrap();

    let mut next = alice.clone();
    next.version = 2;
    next.attributes = r#"[{"Name":"email","Value":"b@example.com"}]"#.into();
    assert!(s.save_user(UserWrite::new(&next, &email("b@example.com"))).await.unwrap());
    assert!(!s.save_user(UserWrite::new(&next, &email("c@example.com"))).await.unwrap(), "stale version");
    assert!(s.find_user_by_alias("r_a", "email", "a@example.com").await.unwrap().is_none());
    assert_eq!(s.get_user("r_a", "alice").await.unwrap().unwrap(), next);

    // An alias conflict on update leaves the user as it was.
    let bob = user("r_a", "bob");
    s.create_user(UserWrite::new(&bob, &UserIndex::default())).await.unwrap();
    let mut bob2 = bob.clone();
    bob2.version = 2;
    bob2.status = "CHANGED".into();
    let err = s.save_user(UserWrite::new(&bob2, &email("b@example.com"))).await.unwrap_err();
    assert_eq!(conflict_on(err), "alias:email");
    assert_eq!(s.get_user("r_a", "bob").await.unwrap().unwrap(), bob);
}

async fn users_are_listed_in_key_order_and_filtered_by_exact_value_or_prefix(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    for (key, mail) in [("carol", "carol@x.org"), ("alice", "alice@x.org"), ("bob", "bob@y.org"), ("Zed", "z@x.org")] {
        s.create_user(UserWrite::new(&user("r_a", key), &email(mail))).await.unwrap();
    }
    let keys = |v: Vec<UserRecord>| v.into_iter().map(|u| u.username_key).collect::<Vec<_>>();
    // Byte order on every backend, whatever the database's collation.
    assert_eq!(keys(s.list_users("r_a", None, None, 10).await.unwrap()), ["Zed", "alice", "bob", "carol"]);
    assert_eq!(keys(s.list_users("r_a", None, Some("alice"), 2).await.unwrap()), ["bob", "carol"]);
    let prefix = UserFilter { name: "email".into(), value: "b".into(), prefix: true };
    assert_eq!(keys(s.list_users("r_a", Some(&prefix), None, 10).await.unwrap()), ["bob"]);
    let exact = UserFilter { name: "email".into(), value: "alice@x.org".into(), prefix: false };
    assert_eq!(keys(s.list_users("r_a", Some(&exact), None, 10).await.unwrap()), ["alice"]);
    assert!(s.delete_user("r_a", "bob").await.unwrap());
    assert!(!s.delete_user("r_a", "bob").await.unwrap());
    assert!(s.list_users("r_a", Some(&prefix), None, 10).await.unwrap().is_empty());
}

async fn codes_are_replaced_burnt_after_failures_and_consumed_once(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let alice = user("r_a", "alice");
    s.create_user(UserWrite::new(&alice, &UserIndex::default())).await.unwrap();

    assert!(!s.put_code(&code("r_a", "nobody", "h0"), None).await.unwrap(), "no user, no code");
    assert!(s.put_code(&code("r_a", "alice", "h1"), Some(&message("m1", "alice"))).await.unwrap());
    assert!(s.put_code(&code("r_a", "alice", "h2"), Some(&message("m2", "alice"))).await.unwrap());
    let live = s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap();
    assert_eq!(live.code_hash, "h2", "the newest code wins");
    assert_eq!(s.list_messages(&MessageFilter::default(), 10).await.unwrap().len(), 2);

    s.record_code_failure(&live, 2).await.unwrap();
    assert_eq!(s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap().failures, 1);
    s.record_code_failure(&live, 2).await.unwrap();
    assert!(s.get_code("r_a", "alice", "verify:email").await.unwrap().is_none(), "burnt");

    // Consuming: only while the code is stored exactly as read.
    s.put_code(&code("r_a", "alice", "h3"), None).await.unwrap();
    let read = s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap();
    let mut next = alice.clone();
    next.version = 2;
    let index = UserIndex::default();
    let w = UserWrite { consume_code: Some(&read), ..UserWrite::new(&next, &index) };
    assert!(s.save_user(w).await.unwrap());
    assert!(s.get_code("r_a", "alice", "verify:email").await.unwrap().is_none());
    let mut later = next.clone();
    later.version = 3;
    let w = UserWrite { consume_code: Some(&read), ..UserWrite::new(&later, &index) };
    assert!(!s.save_user(w).await.unwrap(), "a code is used once");
    assert_eq!(s.get_user("r_a", "alice").await.unwrap().unwrap().version, 2);
}

async fn user_writes_carry_codes_messages_and_revocations_atomically(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let alice = user("r_a", "alice");
    let codes = [code("r_a", "alice", "h1")];
    let messages = [message("m1", "alice")];
    let index = UserIndex::default();
    s.create_user(UserWrite { codes: &codes, messages: &messages, ..UserWrite::new(&alice, &index) }).await.unwrap();
    assert!(s.get_code("r_a", "alice", "verify:email").await.unwrap().is_some());
    s.insert_session(&session("s1", "alice")).await.unwrap();

    // A failed write (alias conflict) takes its code and message with it.
    let bob = user("r_a", "bob");
    s.create_user(UserWrite::new(&bob, &email("b@example.com"))).await.unwrap();
    let mut next = alice.clone();
    next.version = 2;
    let codes = [code("r_a", "alice", "h2")];
    let messages = [message("m2", "alice")];
    let clash = email("b@example.com");
    let w = UserWrite { codes: &codes, messages: &messages, revoke_sessions: true, ..UserWrite::new(&next, &clash) };
    s.save_user(w).await.unwrap_err();
    assert_eq!(s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap().code_hash, "h1");
    assert_eq!(s.list_messages(&MessageFilter::default(), 10).await.unwrap().len(), 1);
    assert!(!s.get_session("s1").await.unwrap().unwrap().revoked);

    let w = UserWrite { codes: &codes, messages: &messages, revoke_sessions: true, ..UserWrite::new(&next, &index) };
    assert!(s.save_user(w).await.unwrap());
    assert_eq!(s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap().code_hash, "h2");
    assert!(s.get_session("s1").await.unwrap().unwrap().revoked);
}

fn session(id: &str, key: &str) -> SessionRecord {
    SessionRecord {
        id: id.into(),
        pool_id: "r_a".into(),
        username_key: key.into(),
        client_id: "c1".into(),
        refresh_hash: format!("refresh-{id}"),
        auth_time: 1,
        created_at: 1,
        expires_at: 100,
        revoked: false,
    }
}

async fn the_user_and_a_session_are_read_together(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let mut alice = user("r_a", "alice");
    alice.password = Some("sealed verifier".into());
    alice.attributes = r#"[{"Name":"email","Value":"a@example.com"}]"#.into();
    s.create_user(UserWrite::new(&alice, &UserIndex::default())).await.unwrap();
    s.create_user(UserWrite::new(&user("r_a", "bob"), &UserIndex::default())).await.unwrap();
    s.insert_session(&session("s1", "alice")).await.unwrap();
    s.insert_session(&session("s2", "bob")).await.unwrap();

    let (u, session) = s.user_and_session("r_a", "alice", "s1").await.unwrap().unwrap();
    assert_eq!(u, s.get_user("r_a", "alice").await.unwrap().unwrap());
    assert_eq!(session, s.get_session("s1").await.unwrap());
    // Whoever's the session is, it is answered (the caller checks it is the user's).
    let (u, session) = s.user_and_session("r_a", "alice", "s2").await.unwrap().unwrap();
    assert_eq!((u.username_key.as_str(), session.unwrap().username_key.as_str()), ("alice", "bob"));
    // No such session, or the empty id: the user alone.
    assert_eq!(s.user_and_session("r_a", "alice", "nope").await.unwrap().unwrap().1, None);
    assert_eq!(s.user_and_session("r_a", "alice", "").await.unwrap().unwrap().1, None);
    // No such user: nothing, whatever the session.
    assert!(s.user_and_session("r_a", "carol", "s1").await.unwrap().is_none());
    assert!(s.user_and_session("r_b", "alice", "s1").await.unwrap().is_none());
    // A revocation is seen on the next read.
    s.revoke_session("s1").await.unwrap();
    assert!(s.user_and_session("r_a", "alice", "s1").await.unwrap().unwrap().1.unwrap().revoked);
}

async fn sessions_challenges_and_the_first_signing_key(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    s.insert_session(&session("s1", "alice")).await.unwrap();
    s.insert_session(&session("s2", "alice")).await.unwrap();
    assert_eq!(s.find_session_by_refresh("refresh-s2").await.unwrap().unwrap().id, "s2");
    assert!(s.revoke_session("s1").await.unwrap());
    assert!(!s.revoke_session("nope").await.unwrap());
    assert!(s.get_session("s1").await.unwrap().unwrap().revoked);
    assert!(!s.get_session("s2").await.unwrap().unwrap().revoked);
    s.revoke_user_sessions("r_a", "alice").await.unwrap();
    assert!(s.get_session("s2").await.unwrap().unwrap().revoked);

    let challenge = ChallengeRecord {
        id: "ch1".into(),
        pool_id: "r_a".into(),
        username_key: "ghost".into(),
        client_id: "c1".into(),
        kind: "PASSWORD_VERIFIER".into(),
        state: "{}".into(),
        expires_at: 9,
    };
    s.insert_challenge(&challenge).await.unwrap();
    assert_eq!(s.take_challenge("ch1").await.unwrap(), Some(challenge));
    assert_eq!(s.take_challenge("ch1").await.unwrap(), None, "answered once");

    let key =
        |kid: &str| KeyRecord { pool_id: "r_a".into(), kid: kid.into(), private_key: vec![1, 2, 3], created_at: 1 };
    assert!(s.insert_first_signing_key(&key("k1")).await.unwrap());
    assert!(!s.insert_first_signing_key(&key("k2")).await.unwrap(), "the pool has its key");
    assert_eq!(s.signing_keys("r_a").await.unwrap(), [key("k1")]);
    let orphan = KeyRecord { pool_id: "r_gone".into(), ..key("k3") };
    assert!(!s.insert_first_signing_key(&orphan).await.unwrap(), "no pool, no key");
    let rotated = KeyRecord { created_at: 2, ..key("k0") };
    assert!(s.add_signing_key(&rotated).await.unwrap(), "rotation adds a key");
    assert_eq!(s.signing_keys("r_a").await.unwrap(), [key("k1"), rotated], "oldest first");
    assert!(!s.add_signing_key(&orphan).await.unwrap(), "no pool, no key");

    assert_eq!(s.server_secret("codes", b"one").await.unwrap(), b"one");
    assert_eq!(s.server_secret("codes", b"two").await.unwrap(), b"one", "the first stored wins");
}

async fn the_hourly_limit_counts_events_in_the_window(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    for at in 1..=3 {
        assert!(s.record_event("r_a", "alice", "get_code", at, 0, 3).await.unwrap());
    }
    assert!(!s.record_event("r_a", "alice", "get_code", 4, 0, 3).await.unwrap());
    assert!(s.record_event("r_a", "alice", "verify", 4, 0, 3).await.unwrap(), "actions count apart");
    // Once the first event leaves the window, one more is allowed.
    assert!(s.record_event("r_a", "alice", "get_code", 5, 1, 3).await.unwrap());
    assert!(!s.record_event("r_a", "alice", "get_code", 6, 1, 3).await.unwrap());
    // Recent events are counted with the latest time (those at or before `since` never count,
    // whether or not they are still stored); clearing forgets one action only.
    assert_eq!(s.recent_events("r_a", "alice", "get_code", 1).await.unwrap(), (3, Some(5)));
    assert_eq!(s.recent_events("r_a", "alice", "get_code", 3).await.unwrap(), (1, Some(5)));
    assert_eq!(s.recent_events("r_a", "alice", "nothing", 0).await.unwrap(), (0, None));
    s.clear_events("r_a", "alice", "get_code").await.unwrap();
    assert_eq!(s.recent_events("r_a", "alice", "get_code", 0).await.unwrap(), (0, None));
    assert_eq!(s.recent_events("r_a", "alice", "verify", 0).await.unwrap(), (1, Some(4)));
}

async fn a_counted_code_stores_event_code_and_message_together_or_nothing(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    let limit = |at: i64| EventLimit { action: "get_code".into(), at, since: 0, max: 2 };
    let messages =
        |s: Arc<dyn Store>| async move { s.list_messages(&MessageFilter::default(), 100).await.unwrap().len() };

    let gone = s.put_code_within(&code("r_a", "nobody", "h0"), &message("m0", "nobody"), &limit(1)).await.unwrap();
    assert_eq!(gone, PutCode::UserGone);
    for i in 1..=2 {
        let (c, m) = (code("r_a", "alice", &format!("h{i}")), message(&format!("m{i}"), "alice"));
        assert_eq!(s.put_code_within(&c, &m, &limit(i)).await.unwrap(), PutCode::Stored);
    }
    assert_eq!(s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap().code_hash, "h2");
    assert_eq!(messages(s.clone()).await, 2);
    assert_eq!(s.recent_events("r_a", "alice", "get_code", 0).await.unwrap(), (2, Some(2)));

    // Over the limit: no event, no code, no message.
    let limited = s.put_code_within(&code("r_a", "alice", "h3"), &message("m3", "alice"), &limit(3)).await.unwrap();
    assert_eq!(limited, PutCode::Limited);
    assert_eq!(s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap().code_hash, "h2");
    assert_eq!(messages(s.clone()).await, 2);
    assert_eq!(s.recent_events("r_a", "alice", "get_code", 0).await.unwrap(), (2, Some(2)));
    // The same window counts events recorded either way.
    assert!(!s.record_event("r_a", "alice", "get_code", 4, 0, 2).await.unwrap());

    // Racing requests: exactly the limit's worth get through, each with its message.
    s.clear_events("r_a", "alice", "get_code").await.unwrap();
    let results = race(8, |i| {
        let s = s.clone();
        async move {
            let c = code("r_a", "alice", &format!("race{i}"));
            s.put_code_within(
                &c,
                &message(&format!("race{i}"), "alice"),
                &EventLimit { action: "get_code".into(), at: 10, since: 0, max: 3 },
            )
            .await
            .unwrap()
        }
    })
    .await;
    assert_eq!(results.iter().filter(|r| **r == PutCode::Stored).count(), 3, "{results:?}");
    assert_eq!(messages(s.clone()).await, 5);
}

async fn the_outbox_is_listed_filtered_claimed_under_lease_and_finished(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    for (i, name) in ["m1", "m2", "m3"].into_iter().enumerate() {
        let mut c = code("r_a", "alice", name);
        c.created_at = i64::try_from(i).unwrap();
        s.put_code(&c, Some(&message(name, "alice"))).await.unwrap();
    }
    let ids = |v: Vec<OutboxMessage>| v.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(s.list_messages(&MessageFilter::default(), 10).await.unwrap()), ["m3", "m2", "m1"]);
    let only = MessageFilter { username: Some("bob".into()), ..Default::default() };
    assert!(s.list_messages(&only, 10).await.unwrap().is_empty());

    assert_eq!(ids(s.claim_messages(10, 100, 2).await.unwrap()), ["m1", "m2"]);
    assert_eq!(ids(s.claim_messages(10, 100, 5).await.unwrap()), ["m3"], "leased ones are not claimed again");
    assert!(s.claim_messages(50, 100, 5).await.unwrap().is_empty());
    let attempt = |id: &str, status: &str, next: i64, error: Option<&str>| Attempt {
        id: id.into(),
        status: status.into(),
        attempts: 1,
        next_attempt_at: next,
        error: error.map(String::from),
    };
    s.finish_messages(&[attempt("m1", "sent", 100, None), attempt("m2", "pending", 20, Some("refused"))])
        .await
        .unwrap();
    s.finish_messages(&[]).await.unwrap();
    assert_eq!(ids(s.claim_messages(150, 300, 5).await.unwrap()), ["m2", "m3"], "due again after lease or backoff");
    let m2 = s.list_messages(&MessageFilter::default(), 10).await.unwrap().into_iter().find(|m| m.id == "m2").unwrap();
    assert_eq!((m2.attempts, m2.last_error.as_deref()), (1, Some("refused")));
    assert_eq!(s.clear_messages().await.unwrap(), 3);
}

async fn groups_and_members(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    let group = |name: &str, precedence: Option<i64>| GroupRecord {
        pool_id: "r_a".into(),
        name: name.into(),
        document: "{}".into(),
        precedence,
        created_at: 1,
    };
    assert!(!s.create_group(&GroupRecord { pool_id: "r_gone".into(), ..group("g", None) }).await.unwrap());
    for (name, p) in [("admins", Some(1)), ("readers", None), ("editors", Some(0))] {
        assert!(s.create_group(&group(name, p)).await.unwrap());
    }
    assert_eq!(conflict_on(s.create_group(&group("admins", None)).await.unwrap_err()), "groups");
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    for g in ["admins", "readers", "editors"] {
        assert!(s.add_member("r_a", g, "alice").await.unwrap());
    }
    assert!(s.add_member("r_a", "admins", "alice").await.unwrap(), "idempotent");
    assert!(!s.add_member("r_a", "admins", "nobody").await.unwrap());
    assert!(!s.add_member("r_a", "nogroup", "alice").await.unwrap());
    let names: Vec<_> = s.groups_of("r_a", "alice").await.unwrap().into_iter().map(|g| g.name).collect();
    assert_eq!(names, ["editors", "admins", "readers"], "by precedence, none last");
    assert_eq!(s.members("r_a", "admins", None, 10).await.unwrap().len(), 1);
    s.remove_member("r_a", "admins", "alice").await.unwrap();
    assert!(s.members("r_a", "admins", None, 10).await.unwrap().is_empty());
    assert!(s.delete_group("r_a", "readers").await.unwrap());
    let names: Vec<_> = s.list_groups("r_a", None, 10).await.unwrap().into_iter().map(|g| g.name).collect();
    assert_eq!(names, ["admins", "editors"]);
}

/// Runs `n` copies of a task at once and returns their results.
async fn race<T: Send + 'static, F>(n: usize, task: impl Fn(usize) -> F) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(task(i))).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn racing_writers_get_exactly_one_success(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;

    // The same username, from separate connections at once.
    let results = race(8, |i| {
        let s = s.clone();
        async move {
            let mut u = user("r_a", "same");
            u.sub = format!("sub-{i}");
            s.create_user(UserWrite::new(&u, &UserIndex::default())).await
        }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for r in results.into_iter().filter_map(Result::err) {
        assert_eq!(conflict_on(r), "users");
    }

    // The same alias, claimed by different users at once.
    let results = race(8, |i| {
        let s = s.clone();
        async move { s.create_user(UserWrite::new(&user("r_a", &format!("u{i}")), &email("shared@x.org"))).await }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for r in results.into_iter().filter_map(Result::err) {
        assert_eq!(conflict_on(r), "alias:email");
    }

    // The same code, verified by several requests at once.
    let alice = user("r_a", "alice");
    s.create_user(UserWrite::new(&alice, &UserIndex::default())).await.unwrap();
    s.put_code(&code("r_a", "alice", "h"), None).await.unwrap();
    let read = s.get_code("r_a", "alice", "verify:email").await.unwrap().unwrap();
    let results = race(8, |_| {
        let (s, alice, read) = (s.clone(), alice.clone(), read.clone());
        async move {
            let mut next = alice;
            next.version = 2;
            let index = UserIndex::default();
            s.save_user(UserWrite { consume_code: Some(&read), ..UserWrite::new(&next, &index) }).await.unwrap()
        }
    })
    .await;
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");

    // The hourly limit, hit by many requests at once.
    let results = race(12, |i| {
        let s = s.clone();
        async move { s.record_event("r_a", "alice", "get_code", i64::try_from(i).unwrap(), -1, 5).await.unwrap() }
    })
    .await;
    assert_eq!(results.iter().filter(|ok| **ok).count(), 5, "{results:?}");

    // The first signing key, made by several instances at once.
    let results = race(6, |i| {
        let s = s.clone();
        async move {
            let k = KeyRecord { pool_id: "r_a".into(), kid: format!("k{i}"), private_key: vec![1], created_at: 1 };
            s.insert_first_signing_key(&k).await.unwrap()
        }
    })
    .await;
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
}

async fn concurrent_workers_claim_each_message_once(f: Fixture) {
    let s = f.store;
    with_pool(s.as_ref()).await;
    s.create_user(UserWrite::new(&user("r_a", "alice"), &UserIndex::default())).await.unwrap();
    for i in 0..60 {
        let mut c = code("r_a", "alice", "h");
        c.purpose = format!("p{i}");
        s.put_code(&c, Some(&message(&format!("m{i:02}"), "alice"))).await.unwrap();
    }
    let claimed = race(6, |_| {
        let s = s.clone();
        async move {
            let mut mine = Vec::new();
            loop {
                let batch = s.claim_messages(10, 1_000, 4).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|m| m.id));
            }
        }
    })
    .await;
    let mut all: Vec<String> = claimed.into_iter().flatten().collect();
    assert_eq!(all.len(), 60, "every message claimed exactly once");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 60);
}

macro_rules! conformance {
    ($backend:ident: $($test:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::$backend().await).await;
                }
            )*
        }
    };
}

macro_rules! suite {
    ($($backend:ident),*) => {
        $(
            conformance!($backend:
                pools_are_inserted_read_listed_in_pages_and_deleted,
                a_duplicate_pool_id_is_a_conflict_not_a_backend_failure,
                updates_are_conditional_on_the_version_read,
                clients_belong_to_an_existing_pool_and_go_with_it,
                data_survives_reopening,
                users_conflict_on_username_sub_and_aliases_without_partial_writes,
                saving_a_user_is_conditional_and_replaces_its_index,
                users_are_listed_in_key_order_and_filtered_by_exact_value_or_prefix,
                codes_are_replaced_burnt_after_failures_and_consumed_once,
                user_writes_carry_codes_messages_and_revocations_atomically,
                sessions_challenges_and_the_first_signing_key,
                the_user_and_a_session_are_read_together,
                the_hourly_limit_counts_events_in_the_window,
                a_counted_code_stores_event_code_and_message_together_or_nothing,
                the_outbox_is_listed_filtered_claimed_under_lease_and_finished,
                groups_and_members,
                racing_writers_get_exactly_one_success,
                concurrent_workers_claim_each_message_once,
            );
        )*
    };
}

suite!(sqlite, sqlite_durable, postgres);
