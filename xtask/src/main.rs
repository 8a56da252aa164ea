//! Developer tasks for cognate.
//!
//! `cargo xtask codegen [--check]` turns the pinned botocore service model in `xtask/model/` into the
//! committed wire layer in `crates/model/src/generated/`. `cargo xtask fetch-model` refreshes that
//! model from the pinned botocore wheel on PyPI. `cargo xtask bench` measures the release binary
//! under HTTP load (and the peers with `--peers`); see `docs/performance.md`.

mod bench;
mod codegen;
mod regex_translate;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

/// The botocore release whose `cognito-idp` model the wire layer is generated from.
pub const BOTOCORE_VERSION: &str = "1.44.8";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            codegen::run(&root, check)
        }
        Some("fetch-model") => fetch_model(&root),
        Some("readme-table") => readme_table(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        _ => bail!(
            "usage: cargo xtask codegen [--check] | cargo xtask fetch-model | cargo xtask readme-table | \
             cargo xtask bench [--help]"
        ),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Rewrites the README's compatibility table from the operation table and what core implements.
fn readme_table(root: &Path) -> Result<()> {
    use cognate_core::Cognito;
    use cognate_model::Operation;
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path)?;
    let header = "| operation | implemented | auth |\n|---|---|---|\n";
    let start = readme.find(header).context("README has no compatibility table")? + header.len();
    let end = readme[start..].find("\n\n").map(|e| start + e + 1).unwrap_or(readme.len());
    let mut table = String::new();
    for op in Operation::ALL {
        let done = if Cognito::IMPLEMENTED.contains(op) { "yes" } else { "no" };
        let auth = if op.requires_sigv4() { "SigV4" } else { "none" };
        table.push_str(&format!("| {} | {done} | {auth} |\n", op.name()));
    }
    std::fs::write(&path, format!("{}{table}{}", &readme[..start], &readme[end..]))?;
    println!("updated {}", path.display());
    Ok(())
}

/// The committed copy of the model.
pub fn model_path(root: &Path) -> PathBuf {
    root.join("xtask/model/cognito-idp-2016-04-18.json")
}

/// Downloads the pinned botocore wheel with pip and copies its `cognito-idp` model into
/// `xtask/model/`. Run this (then `codegen`) when moving the pin.
fn fetch_model(root: &Path) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("cognate-botocore-{BOTOCORE_VERSION}"));
    std::fs::create_dir_all(&scratch)?;
    let status = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet", "-d"])
        .arg(&scratch)
        .arg(format!("botocore=={BOTOCORE_VERSION}"))
        .status()
        .context("running pip")?;
    if !status.success() {
        bail!("pip download failed");
    }
    let wheel = scratch.join(format!("botocore-{BOTOCORE_VERSION}-py3-none-any.whl"));
    let script = "import gzip,zipfile,sys;z=zipfile.ZipFile(sys.argv[1]);\
         sys.stdout.buffer.write(gzip.decompress(z.read('botocore/data/cognito-idp/2016-04-18/service-2.json.gz')))";
    let out = Command::new("python3").args(["-c", script]).arg(&wheel).output().context("extracting the model")?;
    if !out.status.success() {
        bail!("could not extract the model: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::write(model_path(root), out.stdout)?;
    println!("wrote {}", model_path(root).display());
    Ok(())
}
