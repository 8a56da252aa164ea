//! Per-pool RSA-2048 signing keys, their public halves as JWKs, and kids. Owns key material and
//! RS256 signing; must not store keys, read the clock, or draw its own randomness for kids.

use std::fmt;
use std::sync::Arc;

use anyhow::Context as _;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RsaPublicKeyComponents, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};

use super::jwt;

/// A pool's signing key: its kid, the parsed RSA key pair and the public components.
///
/// Cloning is cheap (the key pair sits behind an `Arc`), and the pair is parsed once: parsing a PKCS#8
/// key validates it, which would triple the cost of every signature if done per call.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    pair: Arc<KeyPair>,
    /// The PKCS#8 encoding, made once so that [`SigningKey::to_pkcs8`] cannot fail.
    pkcs8: Arc<[u8]>,
    public: PublicKey,
}

impl SigningKey {
    /// A fresh RSA-2048 key under `kid`. Slow (100 ms or more in debug builds): tests should load a
    /// fixture with [`SigningKey::from_pkcs8`] instead.
    pub fn generate(kid: String) -> anyhow::Result<Self> {
        let pair = KeyPair::generate(KeySize::Rsa2048).context("generating an RSA-2048 key pair")?;
        Self::from_pair(kid, pair)
    }

    /// Loads a key stored with [`SigningKey::to_pkcs8`] (unencrypted PKCS#8 v1 DER). Keys outside
    /// 2048..=8192 bits are refused by aws-lc-rs.
    pub fn from_pkcs8(kid: String, der: &[u8]) -> anyhow::Result<Self> {
        let pair = KeyPair::from_pkcs8(der).context("parsing an RSA private key (PKCS#8 DER)")?;
        Self::from_pair(kid, pair)
    }

    fn from_pair(kid: String, pair: KeyPair) -> anyhow::Result<Self> {
        let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair).context("encoding the RSA private key as PKCS#8")?;
        let pkcs8: Arc<[u8]> = Arc::from(pkcs8.as_ref());
        // `From<&rsa::PublicKey>` yields big-endian components without leading zeros (the `ring-io`
        // feature, on by default, provides it).
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let public = PublicKey { kid: kid.clone(), n: components.n, e: components.e };
        Ok(Self { kid, pair: Arc::new(pair), pkcs8, public })
    }

    /// The private key as unencrypted PKCS#8 v1 DER, for storage. Treat it as a secret.
    pub fn to_pkcs8(&self) -> Vec<u8> {
        self.pkcs8.to_vec()
    }

    /// The key id carried in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, for the JWKS and for [`super::verify`].
    pub fn public(&self) -> PublicKey {
        self.public.clone()
    }

    /// Signs `claims` (a JSON object) as an RS256 JWT with the header `{"kid":…,"alg":"RS256"}`:
    /// exactly those two members, kid first, as Cognito writes it.
    pub fn sign(&self, claims: &Value) -> anyhow::Result<String> {
        anyhow::ensure!(claims.is_object(), "JWT claims must be a JSON object");
        let mut token = jwt::signing_input(&self.kid, claims)?;
        let signature = self.rs256(token.as_bytes())?;
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(&signature));
        Ok(token)
    }

    /// The raw RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `input`.
    pub(super) fn rs256(&self, input: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        // aws-lc-rs ignores the rng argument for PKCS#1 v1.5 (the padding is deterministic).
        self.pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input, &mut signature).context("RSA signing failed")?;
        Ok(signature)
    }
}

impl fmt::Debug for SigningKey {
    // Hand-written so that the private key can never end up in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// The public half of a signing key: kid plus the RSA modulus `n` and exponent `e`, both big-endian
/// unsigned without leading zero bytes (the form JWKs and aws-lc-rs both expect).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    kid: String,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl PublicKey {
    /// A public key from its components, e.g. read back from a JWK. Leading zero bytes are dropped;
    /// an all-zero component is refused. The key itself is only checked when a signature is verified.
    pub fn from_components(kid: String, n: &[u8], e: &[u8]) -> anyhow::Result<Self> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        anyhow::ensure!(!n.is_empty() && !e.is_empty(), "RSA public key components must be non-zero");
        Ok(Self { kid, n: n.to_vec(), e: e.to_vec() })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The modulus, big-endian without leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian without leading zeros (`[1, 0, 1]` for 65537).
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// The JWK Cognito publishes for this key:
    /// `{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}`, `n` and `e` in base64url.
    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(&self.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "use": "sig",
        })
    }

    /// The components in the form aws-lc-rs verifies with.
    pub(super) fn components(&self) -> RsaPublicKeyComponents<&[u8]> {
        RsaPublicKeyComponents { n: &self.n, e: &self.e }
    }
}

/// A pool's JWKS document (`/.well-known/jwks.json`): `{"keys":[…]}` in the order given.
pub fn jwks(keys: &[PublicKey]) -> Value {
    json!({ "keys": keys.iter().map(PublicKey::jwk).collect::<Vec<_>>() })
}

/// A new kid shaped like Cognito's: standard base64 of 32 random bytes, 44 characters ending in `=`.
/// The bytes come from the caller's Rng port so that core never draws randomness itself.
pub fn new_kid(random: &[u8; 32]) -> String {
    STANDARD.encode(random)
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::test_keys;
    use super::*;

    #[test]
    fn fixture_loads_and_exposes_2048_bit_components() {
        let key = test_keys::a();
        assert_eq!(key.kid(), test_keys::KID);
        let public = key.public();
        assert_eq!(public.n().len(), 256);
        assert_ne!(public.n()[0], 0);
        assert_eq!(public.e(), [1, 0, 1]);
    }

    #[test]
    fn pkcs8_round_trips() {
        let key = test_keys::a();
        let der = key.to_pkcs8();
        // openssl and aws-lc both write PKCS#8 v1 with the same DER, so storage is byte-stable.
        assert_eq!(der, test_keys::DER_A);
        let again = SigningKey::from_pkcs8("other".to_owned(), &der).unwrap();
        assert_eq!(again.public().n(), key.public().n());
        assert_eq!(again.kid(), "other");
    }

    #[test]
    fn from_pkcs8_refuses_garbage() {
        assert!(SigningKey::from_pkcs8("k".to_owned(), b"").is_err());
        assert!(SigningKey::from_pkcs8("k".to_owned(), b"not a key").is_err());
        assert!(SigningKey::from_pkcs8("k".to_owned(), &test_keys::DER_A[..100]).is_err());
    }

    #[test]
    fn generated_key_signs_and_survives_storage() {
        // The one test that pays for key generation.
        let key = SigningKey::generate("fresh".to_owned()).unwrap();
        let loaded = SigningKey::from_pkcs8("fresh".to_owned(), &key.to_pkcs8()).unwrap();
        assert_eq!(loaded.public(), key.public());
        assert_eq!(key.public().n().len(), 256);
        let token = key.sign(&json!({"a": 1})).unwrap();
        let token2 = loaded.sign(&json!({"a": 1})).unwrap();
        // PKCS#1 v1.5 signatures are deterministic.
        assert_eq!(token, token2);
    }

    #[test]
    fn jwks_components_decode_back_to_the_key() {
        let public = test_keys::a().public();
        let doc = jwks(std::slice::from_ref(&public));
        let keys = doc["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1);
        let jwk = &keys[0];
        assert_eq!(jwk["alg"], "RS256");
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["kid"], test_keys::KID);
        assert_eq!(jwk["e"], "AQAB");
        let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
        let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
        assert_eq!(n, public.n());
        assert_eq!(e, public.e());
        assert_eq!(jwk.as_object().unwrap().len(), 6);
    }

    #[test]
    fn jwks_of_no_keys_is_an_empty_list() {
        assert_eq!(jwks(&[]), json!({"keys": []}));
    }

    #[test]
    fn from_components_strips_leading_zeros() {
        let public = PublicKey::from_components("k".to_owned(), &[0, 0, 5, 6], &[0, 1, 0, 1]).unwrap();
        assert_eq!(public.n(), [5, 6]);
        assert_eq!(public.e(), [1, 0, 1]);
        assert!(PublicKey::from_components("k".to_owned(), &[0, 0], &[1]).is_err());
        assert!(PublicKey::from_components("k".to_owned(), &[1], &[]).is_err());
    }

    #[test]
    fn kids_look_like_cognitos() {
        let kid = new_kid(&[0xfb; 32]);
        assert_eq!(kid.len(), 44);
        assert!(kid.ends_with('='));
        assert_eq!(STANDARD.decode(&kid).unwrap(), [0xfb; 32]);
        assert_ne!(new_kid(&[0; 32]), new_kid(&[1; 32]));
    }

    #[test]
    fn debug_does_not_print_key_material() {
        let shown = format!("{:?}", test_keys::a());
        assert!(shown.contains(test_keys::KID));
        assert!(shown.len() < 60, "{shown}");
    }
}
