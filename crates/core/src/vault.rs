//! Secrets at rest. Pools' private signing keys, the installation's code key and users' SRP
//! verifiers are stored sealed with a key-encryption key (KEK) that is not in the database:
//! AES-256-GCM with a random nonce, and the secret's place (pool, key id, user) as associated
//! data, so that a sealed value cannot be moved to another row. A stolen database file alone
//! yields none of them.

use aws_lc_rs::aead::{Aad, Nonce, RandomizedNonceKey, AES_256_GCM, NONCE_LEN};
use base64::Engine;

use crate::Error;

/// Length of a key-encryption key in bytes.
pub const KEY_LEN: usize = 32;
/// Marks sealed bytes (and the version of the format).
const MAGIC: &[u8] = b"cgv1";
/// Marks sealed text.
const TEXT_PREFIX: &str = "sealed:v1:";

/// Seals and opens secrets with the installation's key-encryption key.
pub struct Vault {
    key: RandomizedNonceKey,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

impl Vault {
    /// A vault for a 32-byte key-encryption key.
    pub fn new(kek: &[u8]) -> anyhow::Result<Self> {
        anyhow::ensure!(kek.len() == KEY_LEN, "a key-encryption key is {KEY_LEN} bytes, not {}", kek.len());
        let key = RandomizedNonceKey::new(&AES_256_GCM, kek)
            .map_err(|_| anyhow::anyhow!("the key-encryption key was refused"))?;
        Ok(Self { key })
    }

    /// `plain` sealed for `context`: magic, nonce, ciphertext and tag.
    pub fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>, Error> {
        let mut body = plain.to_vec();
        let nonce = self
            .key
            .seal_in_place_append_tag(Aad::from(context.as_bytes()), &mut body)
            .map_err(|_| Error::Internal(anyhow::anyhow!("sealing a secret failed")))?;
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Opens what `seal` made for the same `context`. Fails if the value was sealed with
    /// another key or for another place, or was altered.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, Error> {
        let refused = || {
            Error::Internal(anyhow::anyhow!(
                "a stored secret ({context}) cannot be opened: it was sealed with another key-encryption key, \
                 or altered"
            ))
        };
        let rest = sealed.strip_prefix(MAGIC).ok_or_else(refused)?;
        if rest.len() < NONCE_LEN {
            return Err(refused());
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| refused())?;
        let mut body = body.to_vec();
        let plain = self.key.open_in_place(nonce, Aad::from(context.as_bytes()), &mut body).map_err(|_| refused())?;
        Ok(plain.to_vec())
    }

    /// Whether bytes are sealed (rather than stored in the clear by an earlier version).
    pub fn is_sealed(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// `plain` sealed as text (for JSON documents).
    pub fn seal_text(&self, context: &str, plain: &str) -> Result<String, Error> {
        let sealed = self.seal(context, plain.as_bytes())?;
        Ok(format!("{TEXT_PREFIX}{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed)))
    }

    /// Opens what `seal_text` made; text stored in the clear by an earlier version is returned
    /// as it is.
    pub fn open_text(&self, context: &str, text: &str) -> Result<String, Error> {
        let Some(encoded) = text.strip_prefix(TEXT_PREFIX) else {
            return Ok(text.to_string());
        };
        let sealed = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(encoded)
            .map_err(|_| Error::Internal(anyhow::anyhow!("a sealed secret ({context}) is not valid base64")))?;
        String::from_utf8(self.open(context, &sealed)?)
            .map_err(|_| Error::Internal(anyhow::anyhow!("a sealed secret ({context}) is not text")))
    }
}

/// The context of a pool's private signing key.
pub fn signing_key_context(pool_id: &str, kid: &str) -> String {
    format!("signing-key\0{pool_id}\0{kid}")
}

/// The context of a user's SRP verifier.
pub fn verifier_context(pool_id: &str, user_id_for_srp: &str) -> String {
    format!("srp-verifier\0{pool_id}\0{user_id_for_srp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_in_its_place() {
        let vault = Vault::new(&[7u8; 32]).unwrap();
        let sealed = vault.seal("here", b"the secret").unwrap();
        assert!(Vault::is_sealed(&sealed));
        assert!(!sealed.windows(10).any(|w| w == b"the secret"));
        assert_eq!(vault.open("here", &sealed).unwrap(), b"the secret");
        assert!(vault.open("there", &sealed).is_err());
        assert!(Vault::new(&[8u8; 32]).unwrap().open("here", &sealed).is_err());
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(vault.open("here", &altered).is_err());
        // Two seals of the same secret differ (random nonces).
        assert_ne!(vault.seal("here", b"the secret").unwrap(), sealed);
    }

    #[test]
    fn text_is_sealed_with_a_prefix_and_clear_text_of_earlier_versions_still_reads() {
        let vault = Vault::new(&[7u8; 32]).unwrap();
        let sealed = vault.seal_text("v", "abcdef").unwrap();
        assert!(sealed.starts_with("sealed:v1:"));
        assert_eq!(vault.open_text("v", &sealed).unwrap(), "abcdef");
        assert_eq!(vault.open_text("v", "0123abcd").unwrap(), "0123abcd");
        assert!(vault.open_text("w", &sealed).is_err());
        assert!(Vault::new(&[1u8; 16]).is_err());
    }
}
