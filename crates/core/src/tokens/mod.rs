//! Token cryptography: RS256 JWTs as Cognito issues them, per-pool RSA signing keys, JWKS and the verifier.
//! Owns bytes and signatures only; must not read the clock (time comes in as epoch seconds), pick
//! randomness (kids take their bytes as input), store keys, or know Cognito's error texts.
//!
//! - [`SigningKey`] / [`PublicKey`] / [`jwks`] / [`new_kid`]: key material (`keys.rs`).
//! - [`verify`] / [`Expectations`] / [`VerifyError`]: the strict verifier (`jwt.rs`).
//! - [`AccessClaims`] / [`IdClaims`]: the payloads Cognito puts in its tokens (`claims.rs`).

mod cache;
mod claims;
#[doc(hidden)]
pub mod fuzzing;
mod jwt;
mod keys;

pub use cache::{random_kid, KeyCache, PoolKeys, VerifiedTokens, VERIFIED_CAPACITY};
pub use claims::{AccessClaims, IdClaims, TOKEN_USE_ACCESS, TOKEN_USE_ID};
pub use jwt::{verify, Expectations, VerifyError, MAX_TOKEN_LEN};
pub use keys::{jwks, new_kid, PublicKey, SigningKey};

/// Keys shared by the tests of this module: parsed once from fixtures, because generating RSA keys is
/// slow in debug builds.
#[cfg(test)]
pub(crate) mod test_keys {
    use std::sync::OnceLock;

    use super::SigningKey;

    /// The kid both fixture keys are given unless a test says otherwise.
    pub const KID: &str = "test-kid-a";

    /// Fixture key A (RSA-2048, PKCS#8 DER).
    pub const DER_A: &[u8] = include_bytes!("../../tests/fixtures/rsa2048-a.der");
    /// Fixture key B (RSA-2048, PKCS#8 DER).
    pub const DER_B: &[u8] = include_bytes!("../../tests/fixtures/rsa2048-b.der");

    /// Key A under [`KID`].
    pub fn a() -> &'static SigningKey {
        static KEY: OnceLock<SigningKey> = OnceLock::new();
        KEY.get_or_init(|| SigningKey::from_pkcs8(KID.to_owned(), DER_A).unwrap())
    }

    /// Key B under the same [`KID`] as key A, to check that a kid alone never vouches for a token.
    pub fn b_same_kid() -> &'static SigningKey {
        static KEY: OnceLock<SigningKey> = OnceLock::new();
        KEY.get_or_init(|| SigningKey::from_pkcs8(KID.to_owned(), DER_B).unwrap())
    }
}
