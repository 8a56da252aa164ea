//! The compact JWT format and the strict RS256 verifier. Owns parsing and checking tokens; must not
//! read the clock (now comes in as epoch seconds), fetch keys named by a token, or word Cognito errors.

use std::fmt;

use aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::keys::PublicKey;

/// The longest token [`verify`] will look at, in bytes. Cognito's tokens are a few KiB even with
/// many attributes and groups; the cap bounds the work an attacker can make us do.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Why a token was refused. The caller maps these to Cognito's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not three base64url parts of JSON objects, too long, or a claim of the wrong type.
    #[error("malformed token")]
    Malformed,
    /// The header's `alg` is missing or is anything but `RS256`.
    #[error("unsupported signing algorithm")]
    UnsupportedAlgorithm,
    /// The header's `kid` is missing or names none of the keys given.
    #[error("unknown signing key")]
    UnknownKey,
    /// The signature does not verify under the key the `kid` names.
    #[error("bad signature")]
    BadSignature,
    /// `exp` has passed.
    #[error("token expired")]
    Expired,
    /// `iat` (or `nbf`) is in the future.
    #[error("token not yet valid")]
    NotYetValid,
    /// `token_use` is not the one expected (e.g. an ID token where an access token belongs).
    #[error("wrong token use")]
    WrongTokenUse,
    /// `iss` is not the expected pool's issuer.
    #[error("wrong issuer")]
    WrongIssuer,
}

/// What a token must say to be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expectations<'a> {
    /// The pool's issuer URL, `https://cognito-idp.{region}.amazonaws.com/{pool_id}`.
    pub issuer: &'a str,
    /// `"access"` or `"id"` ([`super::TOKEN_USE_ACCESS`], [`super::TOKEN_USE_ID`]).
    pub token_use: &'a str,
    /// Clock skew tolerated on `exp` and `iat`, in seconds; 0 unless there is a reason.
    pub leeway_seconds: i64,
}

impl<'a> Expectations<'a> {
    /// Expectations with no leeway.
    pub fn new(issuer: &'a str, token_use: &'a str) -> Self {
        Self { issuer, token_use, leeway_seconds: 0 }
    }
}

/// `base64url(header) "." base64url(claims)`: the part of a token the signature covers.
///
/// The header is written by hand rather than through a `serde_json::Map`, because the member order
/// (`kid` before `alg`, as Cognito does) would otherwise depend on serde_json's `preserve_order`.
pub(super) fn signing_input(kid: &str, claims: &Value) -> anyhow::Result<String> {
    let header = format!(r#"{{"kid":{},"alg":"RS256"}}"#, serde_json::to_string(kid)?);
    let payload = serde_json::to_vec(claims)?;
    Ok(format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload)))
}

/// Verifies a token's signature and standard claims, and returns its payload.
///
/// Checks, in order: shape (three unpadded base64url parts, at most [`MAX_TOKEN_LEN`] bytes),
/// `alg` is exactly `RS256`, `kid` names one of `keys`, the signature, the payload is an object,
/// `iss`, `token_use`, `exp` (expired once `now > exp + leeway`), and `iat`/`nbf` not more than the
/// leeway in the future. Never panics, whatever the input.
pub fn verify(
    token: &str,
    keys: &[PublicKey],
    expected: &Expectations,
    now_epoch_seconds: i64,
) -> Result<Map<String, Value>, VerifyError> {
    verify_with_kid(token, keys, expected, now_epoch_seconds).map(|(claims, _)| claims)
}

/// [`verify`], also answering the kid of the key that verified the token.
pub(crate) fn verify_with_kid(
    token: &str,
    keys: &[PublicKey],
    expected: &Expectations,
    now_epoch_seconds: i64,
) -> Result<(Map<String, Value>, String), VerifyError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed);
    };
    // The URL_SAFE_NO_PAD engine refuses `=`, `+`, `/` and non-canonical trailing bits.
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| VerifyError::Malformed);
    let header_json = decode(header_b64)?;
    let payload_json = decode(payload_b64)?;
    let signature = decode(signature_b64)?;

    let header = parse_object(&header_json)?;
    // Only RS256 is ever accepted, whatever the key: this is what defeats `alg: none` and the
    // HS256-with-the-public-key confusion. Header members naming keys (`jwk`, `jku`, `x5u`, `x5c`)
    // are ignored: keys come only from the caller.
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(VerifyError::UnsupportedAlgorithm);
    }
    // RFC 7515 §4.1.11: a `crit` member lists extensions we would have to understand; we understand none.
    if header.contains_key("crit") {
        return Err(VerifyError::Malformed);
    }
    let kid = header.get("kid").and_then(Value::as_str).ok_or(VerifyError::UnknownKey)?;
    let key = keys.iter().find(|k| k.kid() == kid).ok_or(VerifyError::UnknownKey)?;

    // The signature covers the encoded header and payload exactly as received.
    let signed_len = header_b64.len() + 1 + payload_b64.len();
    let signed = token.as_bytes().get(..signed_len).ok_or(VerifyError::Malformed)?;
    key.components().verify(&RSA_PKCS1_2048_8192_SHA256, signed, &signature).map_err(|_| VerifyError::BadSignature)?;

    let claims = parse_object(&payload_json)?;
    check_claims(&claims, expected, now_epoch_seconds)?;
    Ok((claims, kid.to_string()))
}

/// What the claims of a token whose signature holds must say: the expected issuer and use, and
/// times that hold at `now_epoch_seconds`. Also run on every use of a cached token.
pub(crate) fn check_claims(
    claims: &Map<String, Value>,
    expected: &Expectations,
    now_epoch_seconds: i64,
) -> Result<(), VerifyError> {
    if claims.get("iss").and_then(Value::as_str) != Some(expected.issuer) {
        return Err(VerifyError::WrongIssuer);
    }
    if claims.get("token_use").and_then(Value::as_str) != Some(expected.token_use) {
        return Err(VerifyError::WrongTokenUse);
    }
    let leeway = expected.leeway_seconds.max(0);
    let exp = claims.get("exp").map(numeric_date).ok_or(VerifyError::Malformed)??;
    if now_epoch_seconds > exp.saturating_add(leeway) {
        return Err(VerifyError::Expired);
    }
    // Cognito sets no `nbf`, but honouring one if present costs nothing.
    for name in ["iat", "nbf"] {
        if let Some(value) = claims.get(name) {
            if numeric_date(value)? > now_epoch_seconds.saturating_add(leeway) {
                return Err(VerifyError::NotYetValid);
            }
        }
    }
    Ok(())
}

/// A NumericDate claim (RFC 7519 §2): seconds since the epoch, possibly fractional (floored).
pub(crate) fn numeric_date(value: &Value) -> Result<i64, VerifyError> {
    if let Some(i) = value.as_i64() {
        return Ok(i);
    }
    if value.as_u64().is_some() {
        return Ok(i64::MAX);
    }
    // `as` saturates for out-of-range floats; serde_json never yields NaN or infinities.
    value.as_f64().map(|f| f.floor() as i64).ok_or(VerifyError::Malformed)
}

/// Parses a JSON object, refusing duplicate members: with duplicates, which value wins depends on
/// the parser, and a verifier must not disagree with anyone about what a token says.
fn parse_object(json: &[u8]) -> Result<Map<String, Value>, VerifyError> {
    serde_json::from_slice::<UniqueObject>(json).map(|o| o.0).map_err(|_| VerifyError::Malformed)
}

/// A top-level JSON object without duplicate members (nested values are taken as they come).
struct UniqueObject(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = UniqueObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object without duplicate members")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<UniqueObject, A::Error> {
                let mut map = Map::new();
                while let Some((name, value)) = access.next_entry::<String, Value>()? {
                    if map.contains_key(&name) {
                        return Err(A::Error::custom("duplicate member"));
                    }
                    map.insert(name, value);
                }
                Ok(UniqueObject(map))
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
    use aws_lc_rs::hmac;
    use aws_lc_rs::signature::RsaPublicKeyComponents;
    use serde_json::json;

    use super::super::test_keys;
    use super::super::SigningKey;
    use super::*;

    const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Trf85aUHa";
    const NOW: i64 = 1_700_000_000;

    fn claims() -> Value {
        json!({
            "sub": "0b9e3f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "iss": ISS,
            "client_id": "abc",
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": NOW,
            "iat": NOW,
            "exp": NOW + 3600,
            "jti": "j",
            "username": "alice",
        })
    }

    fn access() -> Expectations<'static> {
        Expectations::new(ISS, "access")
    }

    fn keys_a() -> Vec<PublicKey> {
        vec![test_keys::a().public()]
    }

    fn b64(bytes: impl AsRef<[u8]>) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn check(token: &str) -> Result<Map<String, Value>, VerifyError> {
        verify(token, &keys_a(), &access(), NOW)
    }

    /// A token with an arbitrary header, signed (if at all) by `sign`.
    fn forge(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let signature = sign(input.as_bytes());
        format!("{input}.{}", b64(signature))
    }

    #[test]
    fn round_trip() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let payload = check(&token).unwrap();
        assert_eq!(Value::Object(payload), claims());
    }

    #[test]
    fn header_is_exactly_kid_then_alg() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let header = token.split('.').next().unwrap();
        let header = URL_SAFE_NO_PAD.decode(header).unwrap();
        assert_eq!(String::from_utf8(header).unwrap(), format!(r#"{{"kid":"{}","alg":"RS256"}}"#, test_keys::KID));
    }

    #[test]
    fn header_escapes_the_kid() {
        let key = SigningKey::from_pkcs8(r#"a"b/+="#.to_owned(), test_keys::DER_A).unwrap();
        let token = key.sign(&claims()).unwrap();
        let header = URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap();
        assert_eq!(String::from_utf8(header).unwrap(), r#"{"kid":"a\"b/+=","alg":"RS256"}"#);
        assert!(verify(&token, &[key.public()], &access(), NOW).is_ok());
    }

    #[test]
    fn sign_refuses_non_objects() {
        assert!(test_keys::a().sign(&json!([1, 2])).is_err());
        assert!(test_keys::a().sign(&json!("x")).is_err());
    }

    #[test]
    fn tampered_payload_is_a_bad_signature() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut evil = claims();
        evil["username"] = json!("mallory");
        let tampered = format!("{}.{}.{}", parts[0], b64(evil.to_string()), parts[2]);
        assert_eq!(check(&tampered), Err(VerifyError::BadSignature));
    }

    #[test]
    fn tampered_signature_is_a_bad_signature() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let mut sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        sig[10] ^= 1;
        assert_eq!(check(&format!("{input}.{}", b64(&sig))), Err(VerifyError::BadSignature));
        // Truncated and empty signatures too.
        assert_eq!(check(&format!("{input}.{}", b64(&sig[..255]))), Err(VerifyError::BadSignature));
        assert_eq!(check(&format!("{input}.")), Err(VerifyError::BadSignature));
    }

    #[test]
    fn other_key_under_the_same_kid_is_a_bad_signature() {
        let token = test_keys::b_same_kid().sign(&claims()).unwrap();
        assert_eq!(check(&token), Err(VerifyError::BadSignature));
        // ... and it verifies once B itself is known.
        assert!(verify(&token, &[test_keys::b_same_kid().public()], &access(), NOW).is_ok());
    }

    #[test]
    fn the_kid_picks_among_several_keys() {
        let b = SigningKey::from_pkcs8("kid-b".to_owned(), test_keys::DER_B).unwrap();
        let keys = [test_keys::a().public(), b.public()];
        let from_a = test_keys::a().sign(&claims()).unwrap();
        let from_b = b.sign(&claims()).unwrap();
        assert!(verify(&from_a, &keys, &access(), NOW).is_ok());
        assert!(verify(&from_b, &keys, &access(), NOW).is_ok());
    }

    #[test]
    fn unknown_or_missing_kid() {
        let other = SigningKey::from_pkcs8("someone-else".to_owned(), test_keys::DER_A).unwrap();
        let token = other.sign(&claims()).unwrap();
        assert_eq!(check(&token), Err(VerifyError::UnknownKey));
        assert_eq!(verify(&token, &[], &access(), NOW), Err(VerifyError::UnknownKey));
        let no_kid = forge(&json!({"alg": "RS256"}), &claims(), |_| vec![0; 256]);
        assert_eq!(check(&no_kid), Err(VerifyError::UnknownKey));
        let number_kid = forge(&json!({"alg": "RS256", "kid": 5}), &claims(), |_| vec![0; 256]);
        assert_eq!(check(&number_kid), Err(VerifyError::UnknownKey));
    }

    #[test]
    fn alg_none_is_unsupported() {
        let token = forge(&json!({"kid": test_keys::KID, "alg": "none"}), &claims(), |_| Vec::new());
        assert!(token.ends_with('.'));
        assert_eq!(check(&token), Err(VerifyError::UnsupportedAlgorithm));
        let token = forge(&json!({"alg": "none"}), &claims(), |_| Vec::new());
        assert_eq!(check(&token), Err(VerifyError::UnsupportedAlgorithm));
    }

    #[test]
    fn other_algs_are_unsupported() {
        for alg in [json!("RS512"), json!("rs256"), json!("RS256 "), json!("PS256"), json!(null), json!(["RS256"])] {
            let token = forge(&json!({"kid": test_keys::KID, "alg": alg}), &claims(), |_| vec![0; 256]);
            assert_eq!(check(&token), Err(VerifyError::UnsupportedAlgorithm), "{alg}");
        }
        let missing = forge(&json!({"kid": test_keys::KID}), &claims(), |_| vec![0; 256]);
        assert_eq!(check(&missing), Err(VerifyError::UnsupportedAlgorithm));
    }

    #[test]
    fn hs256_keyed_with_the_public_key_is_unsupported() {
        // The classic confusion: an HMAC keyed with public material a naive verifier would also use.
        let public = test_keys::a().public();
        let components = RsaPublicKeyComponents { n: public.n(), e: public.e() };
        let spki: PublicKeyX509Der = components.as_der().unwrap();
        let jwk_json = public.jwk().to_string();
        let secrets: [&[u8]; 3] = [spki.as_ref(), public.n(), jwk_json.as_bytes()];
        for secret in secrets {
            let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
            let header = json!({"kid": test_keys::KID, "alg": "HS256"});
            let token = forge(&header, &claims(), |input| hmac::sign(&key, input).as_ref().to_vec());
            assert_eq!(check(&token), Err(VerifyError::UnsupportedAlgorithm));
        }
    }

    #[test]
    fn crit_header_is_refused() {
        let header = json!({"kid": test_keys::KID, "alg": "RS256", "crit": ["exp"]});
        let token = forge(&header, &claims(), |_| vec![0; 256]);
        assert_eq!(check(&token), Err(VerifyError::Malformed));
    }

    #[test]
    fn duplicate_header_members_are_malformed() {
        let header = format!(r#"{{"kid":"{}","alg":"none","alg":"RS256"}}"#, test_keys::KID);
        let token = format!("{}.{}.", b64(header), b64(claims().to_string()));
        assert_eq!(check(&token), Err(VerifyError::Malformed));
    }

    #[test]
    fn expiry() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let exp = NOW + 3600;
        let at = |now| verify(&token, &keys_a(), &access(), now);
        assert!(at(exp - 1).is_ok());
        assert!(at(exp).is_ok(), "expired only once now > exp");
        assert_eq!(at(exp + 1), Err(VerifyError::Expired));
        let lenient = Expectations { leeway_seconds: 5, ..access() };
        assert!(verify(&token, &keys_a(), &lenient, exp + 5).is_ok());
        assert_eq!(verify(&token, &keys_a(), &lenient, exp + 6), Err(VerifyError::Expired));
        assert_eq!(at(i64::MAX), Err(VerifyError::Expired));
    }

    #[test]
    fn exp_must_be_a_number() {
        for exp in [json!(null), json!("1800000000"), json!(true)] {
            let mut c = claims();
            c["exp"] = exp;
            assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::Malformed));
        }
        let mut c = claims();
        c.as_object_mut().unwrap().remove("exp");
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::Malformed));
        // Fractional and huge NumericDates are fine.
        c["exp"] = json!((NOW + 10) as f64 + 0.5);
        assert!(check(&test_keys::a().sign(&c).unwrap()).is_ok());
        c["exp"] = json!(u64::MAX);
        assert!(check(&test_keys::a().sign(&c).unwrap()).is_ok());
    }

    #[test]
    fn issued_in_the_future_is_not_yet_valid() {
        let mut c = claims();
        c["iat"] = json!(NOW + 60);
        let token = test_keys::a().sign(&c).unwrap();
        assert_eq!(check(&token), Err(VerifyError::NotYetValid));
        let lenient = Expectations { leeway_seconds: 60, ..access() };
        assert!(verify(&token, &keys_a(), &lenient, NOW).is_ok());
        let mut c = claims();
        c["nbf"] = json!(NOW + 1);
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::NotYetValid));
        let mut c = claims();
        c.as_object_mut().unwrap().remove("iat");
        assert!(check(&test_keys::a().sign(&c).unwrap()).is_ok());
        c["iat"] = json!("soon");
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::Malformed));
    }

    #[test]
    fn wrong_token_use() {
        let token = test_keys::a().sign(&claims()).unwrap();
        assert_eq!(verify(&token, &keys_a(), &Expectations::new(ISS, "id"), NOW), Err(VerifyError::WrongTokenUse));
        let mut c = claims();
        c.as_object_mut().unwrap().remove("token_use");
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::WrongTokenUse));
    }

    #[test]
    fn wrong_issuer() {
        let token = test_keys::a().sign(&claims()).unwrap();
        let other = Expectations::new("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other", "access");
        assert_eq!(verify(&token, &keys_a(), &other, NOW), Err(VerifyError::WrongIssuer));
        let mut c = claims();
        c["iss"] = json!(null);
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::WrongIssuer));
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        // Wrong issuer, wrong use and expired at once: the issuer is reported.
        let mut c = claims();
        c["iss"] = json!("x");
        c["token_use"] = json!("id");
        c["exp"] = json!(0);
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::WrongIssuer));
        c["iss"] = json!(ISS);
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::WrongTokenUse));
        c["token_use"] = json!("access");
        assert_eq!(check(&test_keys::a().sign(&c).unwrap()), Err(VerifyError::Expired));
        // A bad signature is reported before any claim is looked at.
        let other = SigningKey::from_pkcs8(test_keys::KID.to_owned(), test_keys::DER_B).unwrap();
        assert_eq!(check(&other.sign(&c).unwrap()), Err(VerifyError::BadSignature));
    }

    #[test]
    fn garbage_is_malformed() {
        let good = test_keys::a().sign(&claims()).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let huge = "a".repeat(MAX_TOKEN_LEN + 1);
        let huge_dots = format!("{}.{}.{}", "a".repeat(MAX_TOKEN_LEN), parts[1], parts[2]);
        let padded = format!("{}=.{}.{}", parts[0], parts[1], parts[2]);
        let std_alphabet = good.replace('-', "+").replace('_', "/");
        let cases: Vec<String> = vec![
            "".into(),
            ".".into(),
            "..".into(),
            "a.b".into(),
            "a.b.c".into(),
            "a.b.c.d".into(),
            format!("{good}."),
            format!("{good}.{}", parts[2]),
            format!(".{good}"),
            "!!!.???.***".into(),
            "é.é.é".into(),
            " eyJ.eyJ.x".into(),
            huge,
            huge_dots,
            padded,
            format!("{}.{}.{}", parts[0], parts[1], "A"),
            format!("{}.{}.{}", b64("[1]"), parts[1], parts[2]),
            format!("{}.{}.{}", b64("null"), parts[1], parts[2]),
            format!("{}.{}.{}", b64("{"), parts[1], parts[2]),
            format!("{}.{}.{}", b64(r#"{"alg":"RS256"} x"#), parts[1], parts[2]),
            format!("{}.{}.{}", b64("[".repeat(10_000)), parts[1], parts[2]),
            format!("{}.{}.{}", b64([0xff, 0xfe]), parts[1], parts[2]),
            format!("{}.{}.{}", b64(format!(r#"{{"alg":{}}}"#, "[".repeat(5_000))), parts[1], parts[2]),
        ];
        for case in &cases {
            assert_eq!(check(case), Err(VerifyError::Malformed), "{case:.80}");
        }
        if std_alphabet != good {
            assert_eq!(check(&std_alphabet), Err(VerifyError::Malformed));
        }
        // Non-canonical trailing bits: "eB" and "eC" decode to the same byte; only one is canonical.
        assert_eq!(URL_SAFE_NO_PAD.decode("eA").unwrap(), [0x78]);
        assert!(URL_SAFE_NO_PAD.decode("eB").is_err());
        assert_eq!(check(&format!("{}.{}.{}", "eB", parts[1], parts[2])), Err(VerifyError::Malformed));
    }

    #[test]
    fn signed_non_object_payloads_are_malformed() {
        // Signed by the real key, so only the payload check can refuse them.
        for payload in ["[1,2]", "\"x\"", "null", "{\"a\":1,\"a\":2}", "{", ""] {
            let token = forge(&json!({"kid": test_keys::KID, "alg": "RS256"}), &json!(null), |_| Vec::new());
            let header_b64 = token.split('.').next().unwrap();
            let input = format!("{header_b64}.{}", b64(payload));
            let sig = test_keys::a().rs256(input.as_bytes()).unwrap();
            let token = format!("{input}.{}", b64(&sig));
            assert_eq!(check(&token), Err(VerifyError::Malformed), "{payload}");
        }
    }

    #[test]
    fn never_panics_on_mutations_of_a_good_token() {
        // A cheap stand-in for the fuzzer: every single-byte substitution and truncation.
        let good = test_keys::a().sign(&claims()).unwrap();
        let bytes = good.as_bytes();
        for i in (0..bytes.len()).step_by(7) {
            for replacement in [b'.', b'=', b'A', b'+', 0xC3] {
                let mut mutated = bytes.to_vec();
                mutated[i] = replacement;
                let s = String::from_utf8_lossy(&mutated);
                assert!(check(&s).is_err() || mutated == bytes);
            }
            let _ = check(&good[..i]);
        }
    }
}
