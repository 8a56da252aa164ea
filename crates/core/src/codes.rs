//! One-time codes: six random digits, stored only as a hash keyed with the installation's
//! secret (itself stored sealed with the key-encryption key), checked in constant time, burnt after too many wrong guesses.

use aws_lc_rs::hmac;
use cognate_model::ErrorCode;
use subtle::ConstantTimeEq;

use crate::ports::rng::{Rng, RngExt};
use crate::ports::CodeRecord;
use crate::{Error, Services};

/// Wrong guesses after which a code is burnt.
pub const MAX_FAILURES: i32 = 5;

/// Name of the installation secret codes are keyed with (stored sealed with the vault).
const CODE_KEY: &str = "code-hash-key.sealed";

/// A new six-digit code, leading zeros kept.
pub fn new_code(rng: &dyn Rng) -> String {
    format!("{:06}", rng.below(1_000_000))
}

/// The keyed hash stored for a code (hex).
pub fn hash(key: &[u8], pool_id: &str, username_key: &str, purpose: &str, code: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for part in [pool_id, username_key, purpose, code] {
        ctx.update(part.as_bytes());
        ctx.update(&[0]);
    }
    ctx.sign().as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The installation's code key, read once from the store (and created there if missing).
pub async fn key(svc: &Services) -> Result<Vec<u8>, Error> {
    if let Some(k) = svc.code_key.get() {
        return Ok(k.clone());
    }
    let mut candidate = [0u8; 32];
    svc.rng.fill(&mut candidate);
    let sealed = svc.vault.seal(CODE_KEY, &candidate)?;
    // Whichever instance stored its candidate first: every instance opens that one.
    let stored = svc.store.server_secret(CODE_KEY, &sealed).await?;
    let k = svc.vault.open(CODE_KEY, &stored)?;
    let _ = svc.code_key.set(k.clone());
    Ok(k)
}

/// A code record ready to store.
pub async fn record(
    svc: &Services,
    pool_id: &str,
    username_key: &str,
    purpose: &str,
    code: &str,
    now: i64,
    lifetime_millis: i64,
) -> Result<CodeRecord, Error> {
    Ok(CodeRecord {
        pool_id: pool_id.to_string(),
        username_key: username_key.to_string(),
        purpose: purpose.to_string(),
        code_hash: hash(&key(svc).await?, pool_id, username_key, purpose, code),
        expires_at: now + lifetime_millis,
        failures: 0,
        created_at: now,
    })
}

/// `ExpiredCodeException` as the service words it.
pub fn expired() -> Error {
    Error::service(ErrorCode::ExpiredCodeException, "Invalid code provided, please request a code again.")
}

/// `CodeMismatchException` as the service words it.
pub fn mismatch() -> Error {
    Error::service(ErrorCode::CodeMismatchException, "Invalid verification code provided, please try again.")
}

/// Checks `given` against the user's live code for `purpose`. Returns the code record to consume
/// on a match; counts a failure on a mismatch.
pub async fn check(
    svc: &Services,
    pool_id: &str,
    username_key: &str,
    purpose: &str,
    given: &str,
    now: i64,
) -> Result<CodeRecord, Error> {
    let Some(stored) = svc.store.get_code(pool_id, username_key, purpose).await? else {
        return Err(expired());
    };
    if now >= stored.expires_at {
        return Err(expired());
    }
    let candidate = hash(&key(svc).await?, pool_id, username_key, purpose, given);
    if bool::from(candidate.as_bytes().ct_eq(stored.code_hash.as_bytes())) {
        Ok(stored)
    } else {
        svc.store.record_code_failure(&stored, MAX_FAILURES).await?;
        Err(mismatch())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_depend_on_every_part() {
        let h = super::hash(b"k", "p", "u", "signup", "123456");
        assert_eq!(h.len(), 64);
        assert_ne!(h, super::hash(b"k", "p", "u", "signup", "123457"));
        assert_ne!(h, super::hash(b"k", "p", "u2", "signup", "123456"));
        assert_ne!(h, super::hash(b"k2", "p", "u", "signup", "123456"));
    }
}
