//! The optional HTTPS listener: a certificate and key from configuration, or a self-signed
//! development certificate for `localhost` and `127.0.0.1` generated into the data directory
//! (so verifiers that refuse plain-HTTP JWKS can be pointed at this server).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The certificate and key files to serve with.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// The configured files, or the development certificate in `data_dir/tls/` (made on first use).
pub fn files(cert: Option<&Path>, key: Option<&Path>, data_dir: &Path) -> Result<TlsFiles> {
    if let (Some(cert), Some(key)) = (cert, key) {
        return Ok(TlsFiles { cert: cert.to_path_buf(), key: key.to_path_buf() });
    }
    let dir = data_dir.join("tls");
    let files = TlsFiles { cert: dir.join("dev-cert.pem"), key: dir.join("dev-key.pem") };
    if files.cert.exists() && files.key.exists() {
        return Ok(files);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let generated = rcgen::generate_simple_self_signed(names).context("generating the development certificate")?;
    std::fs::write(&files.cert, generated.cert.pem())?;
    write_private(&files.key, generated.signing_key.serialize_pem().as_bytes())?;
    tracing::warn!(
        cert = %files.cert.display(),
        "generated a self-signed development certificate; production should configure tls_cert and tls_key"
    );
    Ok(files)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, content: &[u8]) -> Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
        f.write_all(content)?;
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, content)?;
        Ok(())
    }
}
