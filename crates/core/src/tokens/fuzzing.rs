//! The JWT verifier's fuzz entry point, shared by the cargo-fuzz target (`fuzz/`) and the test
//! that replays the kept corpus. It takes arbitrary bytes and panics only when an invariant of
//! [`verify`](super::verify) breaks.
//!
//! Input: the first byte picks a case, the rest is its material.
//! - even: the rest is a token as received; no forged token may verify.
//! - odd: the rest is `header 0x00 payload`, signed with the test key exactly as given (any
//!   JSON, or none); whatever verifies must satisfy every rule the verifier promises.

// A fuzz entry point reports a broken invariant by panicking: that is what the fuzzer looks for.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::LazyLock;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use super::{verify, Expectations, SigningKey, TOKEN_USE_ACCESS};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_fuzz";
const KID: &str = "fuzz-key";
/// The verifier's idea of now, in epoch seconds.
const NOW: i64 = 1_800_000_000;

struct TestKey {
    key: SigningKey,
    pair: RsaKeyPair,
}

static KEY: LazyLock<TestKey> = LazyLock::new(|| {
    let key = SigningKey::generate(KID.to_owned()).expect("generating the fuzz key");
    let pair = RsaKeyPair::from_pkcs8(&key.to_pkcs8()).expect("loading the fuzz key");
    TestKey { key, pair }
});

/// Runs one input and says whether the verifier accepted the token; panics if it breaks a promise.
pub fn jwt(data: &[u8]) -> bool {
    let Some((&case, rest)) = data.split_first() else { return false };
    let keys = [KEY.key.public()];
    let expected = Expectations::new(ISSUER, TOKEN_USE_ACCESS);
    if case % 2 == 0 {
        let token = String::from_utf8_lossy(rest);
        assert!(verify(&token, &keys, &expected, NOW).is_err(), "a token not signed by the key verified: {token:?}");
        return false;
    }
    let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let (header, payload) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let mut signature = vec![0; KEY.pair.public_modulus_len()];
    KEY.pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut signature).expect("signing");
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&signature));

    match verify(&token, &keys, &expected, NOW) {
        Ok(claims) => {
            let header: Value = serde_json::from_slice(header).expect("an accepted header is JSON");
            assert_eq!(header["alg"], "RS256", "accepted another algorithm: {header}");
            assert_eq!(header["kid"], KID, "accepted an unknown kid: {header}");
            assert!(header.get("crit").is_none(), "accepted a critical extension: {header}");
            assert_eq!(claims.get("iss").and_then(Value::as_str), Some(ISSUER));
            assert_eq!(claims.get("token_use").and_then(Value::as_str), Some(TOKEN_USE_ACCESS));
            let exp = claims.get("exp").and_then(Value::as_f64).expect("an accepted token has a numeric exp");
            assert!(exp >= NOW as f64, "accepted an expired token (exp {exp})");
            for name in ["iat", "nbf"] {
                if let Some(t) = claims.get(name) {
                    assert!(t.as_f64().is_some_and(|t| t < (NOW + 1) as f64), "accepted {name} {t} in the future");
                }
            }
            // The same token is refused by anyone holding other keys, or with a changed signature.
            assert!(verify(&token, &[], &expected, NOW).is_err());
            let mut forged = token.clone().into_bytes();
            let last = forged.len() - 2;
            forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
            let forged = String::from_utf8(forged).expect("ASCII");
            assert!(verify(&forged, &keys, &expected, NOW).is_err(), "a changed signature verified");
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(header: &str, payload: &str) -> Vec<u8> {
        let mut data = vec![1];
        data.extend_from_slice(header.as_bytes());
        data.push(0);
        data.extend_from_slice(payload.as_bytes());
        data
    }

    #[test]
    fn a_good_token_passes_every_check_and_odd_inputs_do_not_panic() {
        let header = format!(r#"{{"kid":"{KID}","alg":"RS256"}}"#);
        let payload = format!(r#"{{"iss":"{ISSUER}","token_use":"access","exp":{},"iat":{}}}"#, NOW + 60, NOW - 1);
        assert!(jwt(&signed(&header, &payload)));
        assert!(!jwt(&signed(r#"{"alg":"none"}"#, &payload)));
        assert!(!jwt(&signed(&header.replace("RS256", "HS256"), &payload)));
        assert!(!jwt(&signed(&header, &payload.replace("access", "id"))));
        assert!(!jwt(&signed(&header, r#"{"exp":1e400}"#)));
        assert!(!jwt(b"\x00a.b.c"));
        assert!(!jwt(b""));
    }
}
