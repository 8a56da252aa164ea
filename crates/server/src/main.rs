//! The `cognate` binary.

use std::process::ExitCode;

use clap::Parser;
use cognate_server::config::{Cli, Command};
use cognate_server::{Overrides, Server, Settings};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let settings = match Settings::resolve(args) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("cognate: {e:#}");
                    return ExitCode::from(2);
                }
            };
            init_logging(&settings.log);
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let server = Server::start(settings, Overrides::default()).await?;
    // The one line scripts and tests wait for.
    println!("cognate listening on http://{}", server.addr());
    if let Some(tls) = server.tls_addr() {
        println!("cognate listening on https://{tls}");
    }
    server.run_until_signalled().await
}

fn init_logging(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
