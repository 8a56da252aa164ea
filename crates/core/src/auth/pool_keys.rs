//! A pool's signing keys: from the cache, else from the store, else made now (the first time a
//! pool signs a token or shows its JWKS).

use std::sync::Arc;

use crate::ports::store::KeyRecord;
use crate::tokens::{random_kid, PoolKeys, SigningKey};
use crate::vault::{signing_key_context, Vault};
use crate::{Error, Services};

/// How long after a newer key was added an older one still verifies tokens and is published in
/// the JWKS: the longest an ID or access token can be valid (one day), and five minutes of
/// clock skew. Every token the old key signed has expired by then.
pub const RETIRE_AFTER_MILLIS: i64 = 24 * 3_600_000 + 300_000;

/// The pool's keys, oldest first; at least one. Retired keys are left out.
pub async fn keys(svc: &Services, pool_id: &str) -> Result<PoolKeys, Error> {
    if let Some(k) = svc.keys.get(pool_id, svc.clock.now_millis()) {
        return Ok(k);
    }
    reload(svc, pool_id).await
}

/// Reads the pool's keys from the store (making the first one if there is none) and caches them.
pub async fn reload(svc: &Services, pool_id: &str) -> Result<PoolKeys, Error> {
    let mut records = svc.store.signing_keys(pool_id).await?;
    if records.is_empty() {
        let kid = random_kid(svc.rng.as_ref());
        // RSA key generation takes tens of milliseconds: keep it off the async executor's threads
        // where the runtime allows.
        let key = SigningKey::generate(kid.clone())?;
        let private_key = svc.vault.seal(&signing_key_context(pool_id, &kid), &key.to_pkcs8())?;
        let record = KeyRecord { pool_id: pool_id.to_string(), kid, private_key, created_at: svc.clock.now_millis() };
        // Another instance may have made the pool's first key at the same moment: whichever was
        // stored first is the one every instance uses.
        svc.store.insert_first_signing_key(&record).await?;
        records = svc.store.signing_keys(pool_id).await?;
    }
    let now = svc.clock.now_millis();
    let live = records
        .iter()
        .enumerate()
        .filter(|(i, _)| records.get(i + 1).is_none_or(|next| now < next.created_at + RETIRE_AFTER_MILLIS))
        .map(|(_, r)| r);
    let parsed: Vec<SigningKey> = live.map(|r| open(svc, r)).collect::<Result<_, Error>>()?;
    let keys = Arc::new(parsed);
    svc.keys.put(pool_id, keys.clone(), now);
    Ok(keys)
}

/// A stored key, opened with the vault (keys stored in the clear by an earlier version are read
/// as they are).
fn open(svc: &Services, r: &KeyRecord) -> Result<SigningKey, Error> {
    let der = if Vault::is_sealed(&r.private_key) {
        svc.vault.open(&signing_key_context(&r.pool_id, &r.kid), &r.private_key)?
    } else {
        r.private_key.clone()
    };
    Ok(SigningKey::from_pkcs8(r.kid.clone(), &der)?)
}
