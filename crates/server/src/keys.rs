//! The key-encryption key: given in the configuration, or generated into the data directory on
//! first start (readable by the owner only), and checked against the database before serving.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use base64::Engine;
use cognate_core::ports::Store;
use cognate_core::vault::{Vault, KEY_LEN};

/// The file in the data directory that holds a generated key.
pub const KEK_FILE: &str = "kek";
/// The server secret that proves a key opens this database's secrets.
const CHECK: &str = "kek-check";

/// Decodes a key given as base64 (with or without padding).
pub fn decode_kek(text: &str) -> Result<Vec<u8>> {
    let text = text.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
        .context("invalid key-encryption key: expected 32 bytes in base64 (e.g. `openssl rand -base64 32`)")?;
    if bytes.len() != KEY_LEN {
        bail!("invalid key-encryption key: expected {KEY_LEN} bytes in base64, got {} bytes", bytes.len());
    }
    Ok(bytes)
}

/// The configured key, or the data directory's (generated now if there is none).
pub fn load_or_create(given: Option<&str>, data_dir: &Path) -> Result<Vec<u8>> {
    if let Some(text) = given {
        return decode_kek(text);
    }
    let path = data_dir.join(KEK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => return decode_kek(&text).with_context(|| format!("reading {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut key = vec![0u8; KEY_LEN];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| anyhow::anyhow!("no randomness for a key-encryption key"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&path).and_then(|mut f| {
        f.write_all(base64::engine::general_purpose::STANDARD.encode(&key).as_bytes())?;
        f.sync_all()
    });
    match written {
        Ok(()) => {
            tracing::warn!(
                file = %path.display(),
                "generated a key-encryption key for the secrets in the database; in production supply your own \
                 (COGNATE_KEY_ENCRYPTION_KEY or [keys] kek) and keep it apart from the database's backups"
            );
            Ok(key)
        }
        // Another process made it first: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            decode_kek(&std::fs::read_to_string(&path)?).with_context(|| format!("reading {}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("writing {}", path.display())),
    }
}

/// Checks that `vault` opens the secrets of this database: the first start records a sealed
/// marker; later starts (on any instance) must open it.
pub async fn check(vault: &Vault, store: &dyn Store) -> Result<()> {
    let sealed = vault.seal(CHECK, b"cognate").map_err(|e| anyhow::anyhow!("{e}"))?;
    let stored = store.server_secret(CHECK, &sealed).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if vault.open(CHECK, &stored).is_err() {
        bail!(
            "the key-encryption key does not open this database's secrets: they were sealed with another one. \
             Give this instance the key the database was created with (--key-encryption-key, \
             COGNATE_KEY_ENCRYPTION_KEY or [keys] kek; every instance on one database needs the same), or the \
             data directory's `kek` file it was generated into"
        );
    }
    Ok(())
}

/// The key a running installation uses: the given one, or the data directory's. Unlike
/// `load_or_create`, never makes one (a new key could not open the database).
pub fn load_existing(given: Option<&str>, data_dir: &Path) -> Result<Vec<u8>> {
    if let Some(text) = given {
        return decode_kek(text);
    }
    let path = data_dir.join(KEK_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {} (give the key with --key-encryption-key if the server has it from elsewhere)",
            path.display()
        )
    })?;
    decode_kek(&text).with_context(|| format!("reading {}", path.display()))
}

/// Adds a new signing key to a pool; returns its key id.
pub async fn rotate(kek: &[u8], store: &dyn Store, pool_id: &str) -> Result<String> {
    use cognate_core::ports::store::KeyRecord;
    use cognate_core::ports::{Clock, SystemClock};
    use cognate_core::tokens::{random_kid, SigningKey};
    use cognate_core::vault::signing_key_context;

    let vault = Vault::new(kek)?;
    check(&vault, store).await?;
    if store.get_pool(pool_id).await.map_err(|e| anyhow::anyhow!("{e}"))?.is_none() {
        bail!("no user pool {pool_id}");
    }
    let kid = random_kid(&crate::adapters::rng::OsRng);
    let key = SigningKey::generate(kid.clone())?;
    let record = KeyRecord {
        pool_id: pool_id.to_string(),
        kid: kid.clone(),
        private_key: vault
            .seal(&signing_key_context(pool_id, &kid), &key.to_pkcs8())
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        created_at: SystemClock.now_millis(),
    };
    if !store.add_signing_key(&record).await.map_err(|e| anyhow::anyhow!("{e}"))? {
        bail!("no user pool {pool_id}");
    }
    Ok(kid)
}
