//! Users stored straight through the store port, for the scale runs (100,000 and 1,000,000
//! users): creating a million users over the API would spend most of an hour computing SRP
//! verifiers. These users are real rows with their aliases and search entries, built by the same
//! domain code the operations use; only their password verifiers are random bytes of the right
//! size, so no password opens them. The users the load drives are still made over the API.

use std::time::Instant;

use anyhow::{Context, Result};
use cognate_core::ports::store::UserWrite;
use cognate_core::ports::{Clock, SystemClock, UserRecord};
use cognate_core::users::{username_key, StoredPassword, User};
use cognate_model::shapes::{AttributeType, UserPoolType, UserStatusType};
use futures::StreamExt;
use rand::RngCore;

use super::workloads::username;

/// Stores users `from..to` (usernames as the seed makes them) in `pool_id`.
pub async fn store_users(database_url: &str, pool_id: &str, from: usize, to: usize) -> Result<()> {
    if from >= to {
        return Ok(());
    }
    let started = Instant::now();
    let store = cognate_store::open(database_url, &cognate_store::StoreOptions::default())
        .await
        .with_context(|| format!("opening {database_url}"))?;
    let record = store.get_pool(pool_id).await?.context("the seeded pool is not in the store")?;
    let pool: UserPoolType = serde_json::from_str(&record.document).context("parsing the pool")?;
    let now = SystemClock.now_millis();

    let make = |i: usize| -> Result<(UserRecord, cognate_core::ports::store::UserIndex)> {
        // Filler bytes for benchmark rows, not secrets the service relies on.
        #[allow(clippy::disallowed_methods)]
        let mut rng = rand::thread_rng();
        let sub = uuid::Uuid::new_v4().to_string();
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        let mut verifier = [0u8; 384];
        rng.fill_bytes(&mut verifier);
        let name = username(i);
        let attr = |n: &str, v: &str| AttributeType { name: n.into(), value: Some(v.into()) };
        let user = User {
            record: UserRecord {
                pool_id: pool_id.to_string(),
                username_key: username_key(&pool, &name),
                username: name.clone(),
                sub: sub.clone(),
                status: String::new(),
                enabled: true,
                attributes: String::new(),
                password: None,
                mfa: "{}".into(),
                pending: "{}".into(),
                created_at: now,
                updated_at: now,
                version: 1,
            },
            status: UserStatusType::Confirmed,
            attributes: vec![attr("sub", &sub), attr("email", &name), attr("email_verified", "true")],
            password: Some(StoredPassword { salt: hex(&salt), verifier: hex(&verifier), set_at: now }),
            pending: Default::default(),
        };
        Ok((user.to_record()?, user.index(&pool)))
    };

    let total = to - from;
    let mut done = 0usize;
    let mut writes = futures::stream::iter(from..to)
        .map(|i| {
            let store = store.clone();
            let made = make(i);
            async move {
                let (record, index) = made?;
                store.create_user(UserWrite::new(&record, &index)).await.map_err(anyhow::Error::from)
            }
        })
        .buffer_unordered(512);
    while let Some(written) = writes.next().await {
        written.context("storing a user")?;
        done += 1;
        if done.is_multiple_of(100_000) {
            eprintln!("bench: stored {done} of {total} users ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    drop(writes);
    store.close().await;
    eprintln!("bench: stored {total} users through the store in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
