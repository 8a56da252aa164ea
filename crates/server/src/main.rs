//! The `cognate` binary.

use std::process::ExitCode;

use clap::Parser;
use cognate_server::config::{Cli, Command, KeysCommand, RotateArgs};
use cognate_server::{Overrides, Server, Settings};

/// mimalloc: requests allocate and free many small buffers on every worker thread; glibc's
/// allocator spent about a seventh of the server's time on them (arenas, consolidation).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let settings = match Settings::resolve(*args) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("cognate: {e:#}");
                    return ExitCode::from(2);
                }
            };
            init_logging(&settings.log);
            // The blocking pool runs SRP arithmetic and SQLite scans: a few threads per core
            // keep the cores busy; more would only add memory (each thread's stack and arena).
            let blocking = std::thread::available_parallelism().map_or(2, |n| n.get()) * 8;
            let runtime =
                match tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(blocking).build() {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("cognate: starting the runtime: {e}");
                        return ExitCode::FAILURE;
                    }
                };
            match runtime.block_on(serve(settings)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cognate: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Keys(KeysCommand::Rotate(args)) => {
            let done = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(anyhow::Error::from)
                .and_then(|rt| rt.block_on(rotate(args)));
            match done {
                Ok(kid) => {
                    println!("cognate: added signing key {kid}; new tokens use it within a minute");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cognate: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Backup(args) => {
            let url = args.database_url.unwrap_or_else(|| {
                let dir = args.data_dir.unwrap_or_else(|| Settings::default().data_dir);
                format!("sqlite://{}", dir.join("cognate.db").display())
            });
            let done = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(anyhow::Error::from)
                .and_then(|rt| rt.block_on(cognate_store::backup(&url, &args.to)));
            match done {
                Ok(()) => {
                    println!("cognate: backup written to {}", args.to.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cognate: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn rotate(args: RotateArgs) -> anyhow::Result<String> {
    let data_dir = args.data_dir.unwrap_or_else(|| Settings::default().data_dir);
    let url = args.database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("cognate.db").display()));
    let kek = cognate_server::keys::load_existing(args.key_encryption_key.as_deref(), &data_dir)?;
    let store = cognate_store::open(&url, &cognate_store::StoreOptions::default()).await?;
    let done = cognate_server::keys::rotate(&kek, store.as_ref(), &args.pool_id).await;
    store.close().await;
    done
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let server = Server::start(settings, Overrides::default()).await?;
    // Signals are caught from here on: one sent as soon as the ready line is read stops cleanly.
    let signalled = cognate_server::shutdown_signal()?;
    // The one line scripts and tests wait for.
    println!("cognate listening on http://{}", server.addr());
    if let Some(tls) = server.tls_addr() {
        println!("cognate listening on https://{tls}");
    }
    server.run_until(signalled).await
}

fn init_logging(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
