//! The servers under test: cognate (the release binary) and, with `--peers`, cognito-local (npm)
//! and moto's server (PyPI), each installed into the scratch directory, started on a free port,
//! watched for memory and stopped at the end.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The versions the peers are measured at.
pub const COGNITO_LOCAL: &str = "cognito-local@5.3.0";
pub const MOTO: &str = "moto[server]==5.2.5";

/// A running server.
pub struct Server {
    pub name: String,
    pub addr: SocketAddr,
    child: Child,
}

impl Server {
    /// The resident set size now, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The CPU time the server process has used so far (user and system, all threads), in seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        process_cpu_seconds(self.child.id())
    }

    /// Samples the RSS every 50 ms until the returned guard is dropped; the guard holds the peak.
    pub fn watch_rss(&self) -> RssWatch {
        let peak = Arc::new(AtomicU64::new(self.rss_kib().unwrap_or(0)));
        let path = format!("/proc/{}/status", self.child.id());
        let sampler = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    if let Ok(status) = std::fs::read_to_string(&path) {
                        let kib = status
                            .lines()
                            .find(|l| l.starts_with("VmRSS:"))
                            .and_then(|l| l.split_whitespace().nth(1))
                            .and_then(|v| v.parse::<u64>().ok());
                        if let Some(kib) = kib {
                            peak.fetch_max(kib, Ordering::Relaxed);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        RssWatch { peak, sampler }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM first, so cognate closes its database cleanly.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The peak RSS seen while it lives.
pub struct RssWatch {
    peak: Arc<AtomicU64>,
    sampler: tokio::task::JoinHandle<()>,
}

impl RssWatch {
    /// The peak in MiB.
    pub fn peak_mib(&self) -> f64 {
        self.peak.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

impl Drop for RssWatch {
    fn drop(&mut self) {
        self.sampler.abort();
    }
}

/// A free loopback port.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until something accepts connections on `addr`.
async fn wait_listening(addr: SocketAddr, child: &mut Child, name: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("{name} exited ({status}) before listening");
        }
        if Instant::now() > deadline {
            bail!("{name} did not listen on {addr} within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts the cognate binary on a fresh data directory.
pub async fn cognate(bin: &Path, data_dir: &Path, extra: &[String]) -> Result<Server> {
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut child = Command::new(bin)
        .args(["serve", "--listen", &addr.to_string(), "--log", "warn"])
        .arg("--data-dir")
        .arg(data_dir)
        // The per-user limits lifted, since the benchmark asks for many codes per user, and their
        // window shortened to a second: every request is still counted against its limit, in the
        // same transaction as its code, but a user's events table holds a second's requests (a
        // handful, as an hour holds under the service's 5-per-hour limit) rather than growing
        // without bound for the whole run.
        .args(["--attribute-code-limit", "4000000000", "--attribute-verify-limit", "4000000000"])
        .args(["--attribute-limit-window-secs", "1"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    wait_listening(addr, &mut child, "cognate").await?;
    Ok(Server { name: "cognate".into(), addr, child })
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Installs (once) and starts cognito-local.
pub async fn cognito_local(scratch: &Path) -> Result<Server> {
    let dir = scratch.join("cognito-local");
    let entry = dir.join("node_modules/cognito-local/lib/bin/start.js");
    if !entry.exists() {
        std::fs::create_dir_all(&dir)?;
        eprintln!("bench: installing {COGNITO_LOCAL} with npm");
        run(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(COGNITO_LOCAL),
            "npm install cognito-local",
        )?;
    }
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let data = dir.join(format!("run-{port}"));
    std::fs::create_dir_all(&data)?;
    let mut child = Command::new("node")
        .arg(&entry)
        .current_dir(&data)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("DEBUG", "")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting cognito-local")?;
    wait_listening(addr, &mut child, "cognito-local").await?;
    Ok(Server { name: "cognito-local".into(), addr, child })
}

/// Installs (once, into a virtualenv) and starts moto's server.
pub async fn moto(scratch: &Path) -> Result<Server> {
    let venv = scratch.join("moto-venv");
    let server_bin: PathBuf = venv.join("bin/moto_server");
    if !server_bin.exists() {
        eprintln!("bench: installing {MOTO} with pip");
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv")?;
        run(
            Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", MOTO]),
            "pip install moto",
        )?;
    }
    let port = free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut child = Command::new(&server_bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting moto_server")?;
    wait_listening(addr, &mut child, "moto").await?;
    Ok(Server { name: "moto".into(), addr, child })
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux unless told otherwise).
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// The CPU time (user and system, all threads) a process has used so far.
pub fn process_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name (which may hold spaces): utime and stime
    // are the 14th and 15th fields of the line, the 12th and 13th after the name.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / clock_ticks_per_second())
}
