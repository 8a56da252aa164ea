//! Parsed signing keys per pool, kept in memory. Keys never change once stored (rotation only
//! adds), so caching them is safe across instances; a kid the cache does not know makes it
//! reload from the store, and every entry is reloaded after `REFRESH_MILLIS`, so that a key
//! added by `cognate keys rotate` signs on every instance within that time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use aws_lc_rs::digest;
use serde_json::{Map, Value};

use super::jwt::{check_claims, numeric_date, verify_with_kid};
use super::{new_kid, Expectations, PublicKey, SigningKey, VerifyError, MAX_TOKEN_LEN};

/// A pool's keys, oldest first: the newest signs, all verify.
pub type PoolKeys = Arc<Vec<SigningKey>>;

/// How long a pool's keys are used before they are read again.
pub const REFRESH_MILLIS: i64 = 60_000;

/// The in-memory cache.
#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<String, (PoolKeys, i64)>>,
}

impl KeyCache {
    /// The cached keys of a pool, unless they were loaded more than `REFRESH_MILLIS` before `now`.
    pub fn get(&self, pool_id: &str, now: i64) -> Option<PoolKeys> {
        let m = self.pools.read().ok()?;
        let (keys, loaded_at) = m.get(pool_id)?;
        (now.saturating_sub(*loaded_at) < REFRESH_MILLIS && *loaded_at <= now).then(|| keys.clone())
    }

    /// Caches a pool's keys, loaded at `now`.
    pub fn put(&self, pool_id: &str, keys: PoolKeys, now: i64) {
        if let Ok(mut m) = self.pools.write() {
            m.insert(pool_id.to_string(), (keys, now));
        }
    }

    /// Forgets a pool (it was deleted).
    pub fn forget(&self, pool_id: &str) {
        if let Ok(mut m) = self.pools.write() {
            m.remove(pool_id);
        }
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache")
    }
}

/// A new kid from 32 random bytes of `rng`.
pub fn random_kid(rng: &dyn crate::ports::Rng) -> String {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    new_kid(&b)
}

/// Access tokens whose signature and claims were checked, by the SHA-256 of the whole token, so
/// that a token presented again skips the RSA verification and the JSON parsing. Only what
/// cannot change is cached: a hit still checks expiry and not-before against the clock, that
/// the key that signed it is still one of the pool's, and the issuer and use expected; the
/// revocation and the user are read from the store by the caller on every use, as before.
/// Only tokens that verified are stored, so a flood of forged tokens cannot fill it; when full,
/// expired entries go and, if that frees nothing, everything (the next uses verify again).
#[derive(Default)]
pub struct VerifiedTokens {
    entries: RwLock<HashMap<[u8; 32], Verified>>,
}

#[derive(Clone)]
struct Verified {
    claims: Arc<Map<String, Value>>,
    kid: String,
    /// When it expires (for making room; validity is checked from the claims on every use).
    expires: i64,
}

/// Entries kept at most (each a few hundred bytes of claims).
pub const VERIFIED_CAPACITY: usize = 10_000;

impl VerifiedTokens {
    /// Verifies `token` as [`super::verify`] does, from the cache when it has seen the token.
    pub fn verify(
        &self,
        token: &str,
        keys: &[SigningKey],
        expected: &Expectations,
        now_epoch_seconds: i64,
    ) -> Result<Arc<Map<String, Value>>, VerifyError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(VerifyError::Malformed);
        }
        let digest = token_digest(token);
        let hit = self.entries.read().ok().and_then(|m| m.get(&digest).cloned());
        if let Some(v) = hit {
            if !keys.iter().any(|k| k.kid() == v.kid) {
                return Err(VerifyError::UnknownKey);
            }
            check_claims(&v.claims, expected, now_epoch_seconds)?;
            return Ok(v.claims);
        }
        let publics: Vec<PublicKey> = keys.iter().map(SigningKey::public).collect();
        let (claims, kid) = verify_with_kid(token, &publics, expected, now_epoch_seconds)?;
        // `verify` refused a token without a readable `exp`.
        let expires = claims.get("exp").map(numeric_date).ok_or(VerifyError::Malformed)??;
        let claims = Arc::new(claims);
        if let Ok(mut m) = self.entries.write() {
            if m.len() >= VERIFIED_CAPACITY {
                m.retain(|_, v| v.expires >= now_epoch_seconds);
                if m.len() >= VERIFIED_CAPACITY {
                    m.clear();
                }
            }
            m.insert(digest, Verified { claims: claims.clone(), kid, expires });
        }
        Ok(claims)
    }

    /// The claims of `token` if it verified before, unchecked: only for choosing which pool's
    /// keys to verify it with (what [`VerifiedTokens::verify`] then checks).
    pub fn claims_seen(&self, token: &str) -> Option<Arc<Map<String, Value>>> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let digest = token_digest(token);
        self.entries.read().ok()?.get(&digest).map(|v| v.claims.clone())
    }

    /// Entries held (for tests).
    pub fn len(&self) -> usize {
        self.entries.read().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn token_digest(token: &str) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

impl std::fmt::Debug for VerifiedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifiedTokens({} entries)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_keys;
    use super::*;

    const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Trf85aUHa";
    const NOW: i64 = 1_700_000_000;

    fn token(exp: i64) -> String {
        let claims =
            json!({"sub": "s", "iss": ISS, "token_use": "access", "iat": NOW, "exp": exp, "username": "alice"});
        test_keys::a().sign(&claims).unwrap()
    }

    fn keys() -> Vec<SigningKey> {
        vec![test_keys::a().clone()]
    }

    #[test]
    fn a_verified_token_is_kept_and_its_expiry_still_checked() {
        let cache = VerifiedTokens::default();
        let t = token(NOW + 60);
        let access = Expectations::new(ISS, "access");
        assert_eq!(cache.verify(&t, &keys(), &access, NOW).unwrap()["username"], "alice");
        assert_eq!(cache.len(), 1);
        // From the cache now: the same claims, and the clock still applies.
        assert_eq!(cache.verify(&t, &keys(), &access, NOW + 60).unwrap()["username"], "alice");
        assert_eq!(cache.verify(&t, &keys(), &access, NOW + 61), Err(VerifyError::Expired));
        assert_eq!(cache.verify(&t, &keys(), &access, NOW - 1), Err(VerifyError::NotYetValid));
        // The expectations too: the same token is not an ID token, nor another pool's.
        assert_eq!(cache.verify(&t, &keys(), &Expectations::new(ISS, "id"), NOW), Err(VerifyError::WrongTokenUse));
        assert_eq!(
            cache.verify(&t, &keys(), &Expectations::new("https://elsewhere", "access"), NOW),
            Err(VerifyError::WrongIssuer)
        );
        // A key no longer among the pool's no longer vouches for the tokens it signed.
        assert_eq!(cache.verify(&t, &[], &access, NOW), Err(VerifyError::UnknownKey));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn only_verified_tokens_are_kept_and_a_changed_token_is_verified_afresh() {
        let cache = VerifiedTokens::default();
        let access = Expectations::new(ISS, "access");
        let t = token(NOW + 60);
        cache.verify(&t, &keys(), &access, NOW).unwrap();
        // The genuine token's signature on other claims: not the cached token, and refused.
        let forged_claims =
            json!({"sub": "s", "iss": ISS, "token_use": "access", "iat": NOW, "exp": NOW + 60, "username": "mallory"});
        let forged_payload = {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged_claims.to_string())
        };
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(cache.verify(&forged, &keys(), &access, NOW), Err(VerifyError::BadSignature));
        // Signed by another key under the same kid: refused, though the kid is known.
        let other = test_keys::b_same_kid()
            .sign(&json!({"sub": "s", "iss": ISS, "token_use": "access", "exp": NOW + 60}))
            .unwrap();
        assert_eq!(cache.verify(&other, &keys(), &access, NOW), Err(VerifyError::BadSignature));
        // A token refused is not kept: an expired one stays refused when the clock is turned back.
        let old = token(NOW - 1);
        assert_eq!(cache.verify(&old, &keys(), &access, NOW), Err(VerifyError::Expired));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_everything() {
        let cache = VerifiedTokens::default();
        let access = Expectations::new(ISS, "access");
        let fill = |exp: i64| {
            let mut m = cache.entries.write().unwrap();
            for i in 0..VERIFIED_CAPACITY {
                let mut key = [0u8; 32];
                key[..8].copy_from_slice(&(i as u64).to_be_bytes());
                key[31] = exp as u8;
                m.insert(key, Verified { claims: Arc::default(), kid: "k".into(), expires: exp });
            }
        };
        fill(NOW - 10);
        cache.verify(&token(NOW + 60), &keys(), &access, NOW).unwrap();
        assert_eq!(cache.len(), 1, "the expired entries made room");
        let mut m = cache.entries.write().unwrap();
        m.clear();
        drop(m);
        fill(NOW + 10);
        cache.verify(&token(NOW + 61), &keys(), &access, NOW).unwrap();
        assert_eq!(cache.len(), 1, "nothing expired: all dropped, the new entry kept");
    }
}
