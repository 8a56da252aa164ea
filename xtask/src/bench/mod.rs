//! `cargo xtask bench`: builds the release binary, starts cognate on a fresh data directory (and,
//! with `--peers`, cognito-local and moto), seeds a pool, a client and N users with tokens, and
//! drives real HTTP load at each operation, servers interleaved run by run. Reports req/s, p50,
//! p99, errors and the server's peak RSS per operation, as a table and as JSON; `--write-docs`
//! puts the table into `docs/performance.md`. See that file for how to read the figures.

mod bulk;
mod load;
mod servers;
mod workloads;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use load::{Conn, RunResult};
use servers::Server;
use workloads::{Op, OpLoad};

/// What the command line asked for.
#[derive(Debug, Clone)]
struct Options {
    users: usize,
    /// Users stored in cognate's pool in all: the `users` the load drives, made over the API,
    /// and the rest stored in bulk through the store port.
    stored: usize,
    connections: usize,
    duration: Duration,
    warmup: Duration,
    runs: usize,
    ops: Vec<Op>,
    peers: bool,
    cognate_args: Vec<String>,
    label: String,
    out: Option<PathBuf>,
    write_docs: bool,
    build: bool,
}

const USAGE: &str =
    "usage: cargo xtask bench [--users N] [--stored N] [--connections C] [--duration SECS] [--warmup SECS] \
                     [--runs R] [--ops guavc,verify,get-user,password-auth,srp-auth,sign-up,list-users] [--peers] \
                     [--cognate-arg ARG]... [--label TEXT] [--out FILE.json] [--write-docs] [--no-build]";

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        users: 1000,
        stored: 0,
        connections: 16,
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(1),
        runs: 3,
        // ListUsers is for the scale runs (`--ops …,list-users`).
        ops: Op::ALL.into_iter().filter(|op| *op != Op::ListUsers).collect(),
        peers: false,
        cognate_args: Vec::new(),
        label: "SQLite (default settings)".into(),
        out: None,
        write_docs: false,
        build: true,
    };
    // `--name=value` is `--name value`.
    let args: Vec<String> = args
        .iter()
        .flat_map(|a| match a.split_once('=') {
            Some((name, value)) if name.starts_with("--") => vec![name.to_string(), value.to_string()],
            _ => vec![a.clone()],
        })
        .collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--users" => o.users = value()?.parse().context("--users")?,
            "--stored" => o.stored = value()?.parse().context("--stored")?,
            "--connections" => o.connections = value()?.parse().context("--connections")?,
            "--duration" => o.duration = Duration::from_secs_f64(value()?.parse().context("--duration")?),
            "--warmup" => o.warmup = Duration::from_secs_f64(value()?.parse().context("--warmup")?),
            "--runs" => o.runs = value()?.parse().context("--runs")?,
            "--ops" => {
                let wanted = value()?;
                o.ops = Op::ALL.into_iter().filter(|op| wanted.split(',').any(|w| w == op.key())).collect();
                if o.ops.is_empty() {
                    bail!("--ops names none of the operations\n{USAGE}");
                }
            }
            "--peers" => o.peers = true,
            "--cognate-arg" => o.cognate_args.push(value()?.clone()),
            "--label" => o.label = value()?.clone(),
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "--write-docs" => o.write_docs = true,
            "--no-build" => o.build = false,
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    if o.users == 0 || o.connections == 0 || o.runs == 0 {
        bail!("--users, --connections and --runs must be at least 1");
    }
    o.stored = o.stored.max(o.users);
    Ok(o)
}

/// The figures of one operation on one server, over the runs.
#[derive(Debug, Clone, Serialize)]
struct Cell {
    server: String,
    operation: String,
    /// Why it was not measured (the server does not answer it).
    unsupported: Option<String>,
    runs: Vec<RunResult>,
    median_per_second: f64,
    min_per_second: f64,
    max_per_second: f64,
    median_p50_ms: f64,
    median_p99_ms: f64,
    errors: u64,
    peak_rss_mib: f64,
    /// The server's CPU time per request (all its threads), median over the runs, in µs.
    median_server_cpu_us: Option<f64>,
    /// The load generator's own CPU time per request (median over runs), in µs.
    median_client_cpu_us: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    label: String,
    machine: Machine,
    users: usize,
    stored_users: usize,
    connections: usize,
    duration_secs: f64,
    runs: usize,
    cognate_args: Vec<String>,
    cells: Vec<Cell>,
}

#[derive(Debug, Serialize)]
struct Machine {
    cpus: usize,
    cpu_model: String,
    memory_gib: f64,
    kernel: String,
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string();
    Machine {
        cpus: std::thread::available_parallelism().map(usize::from).unwrap_or(1),
        cpu_model,
        memory_gib: (mem_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        kernel,
    }
}

/// Entry point of `cargo xtask bench`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let options = parse(args)?;
    if cfg!(debug_assertions) {
        // The load generator (and its SRP client) must be optimised like the server: run the
        // release build of this command instead.
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--quiet", "--release", "--locked", "--package", "xtask", "--", "bench"])
            .args(args)
            .current_dir(root)
            .status()?;
        if !status.success() {
            bail!("the benchmark failed");
        }
        return Ok(());
    }
    if options.build {
        eprintln!("bench: building the release binary");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--release", "--locked", "--package", "cognate-server"])
            .current_dir(root)
            .status()?;
        if !status.success() {
            bail!("cargo build --release failed");
        }
    }
    let bin = root.join("target/release/cognate");
    // The load generator gets the machine's cores like the server does; both share them.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let report = runtime.block_on(bench(root, &bin, &options))?;

    let table = render(&report);
    println!("{table}");
    let out = options.out.clone().unwrap_or_else(|| root.join("target/bench/last.json"));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("bench: results written to {}", out.display());
    if options.write_docs {
        write_docs(root, &report, &table)?;
    }
    Ok(())
}

async fn bench(root: &Path, bin: &Path, o: &Options) -> Result<Report> {
    let scratch = root.join("target/bench");
    let run_dir = tempfile_dir(&scratch)?;
    let mut servers: Vec<Server> = vec![servers::cognate(bin, &run_dir.join("cognate-data"), &o.cognate_args).await?];
    if o.peers {
        servers.push(servers::cognito_local(&scratch).await?);
        servers.push(servers::moto(&scratch).await?);
    }

    let mut fixtures = Vec::new();
    for server in &servers {
        eprintln!("bench: seeding {} with {} users", server.name, o.users);
        let mut conns = Vec::new();
        for _ in 0..8 {
            conns.push(Conn::open(server.addr).await?);
        }
        let fixture =
            workloads::seed(&mut conns, o.users, "bench").await.with_context(|| format!("seeding {}", server.name))?;
        if server.name == "cognate" && o.stored > o.users {
            eprintln!("bench: storing {} more users in cognate's pool", o.stored - o.users);
            bulk::store_users(&database_url(&run_dir, &o.cognate_args), &fixture.pool_id, o.users, o.stored).await?;
        }
        fixtures.push(Arc::new(fixture));
    }

    let mut results: BTreeMap<(usize, usize), Vec<(RunResult, f64)>> = BTreeMap::new();
    let mut unsupported: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for run in 0..o.runs {
        for (op_index, op) in o.ops.iter().enumerate() {
            // Servers take turns, in an order rotated each run.
            for k in 0..servers.len() {
                let s = (k + run) % servers.len();
                if unsupported.contains_key(&(op_index, s)) {
                    continue;
                }
                let load = Arc::new(OpLoad::new(
                    *op,
                    fixtures[s].clone(),
                    o.connections,
                    format!("r{run}"),
                    servers[s].addr.to_string(),
                ));
                if run == 0 {
                    let mut conn = Conn::open(servers[s].addr).await?;
                    if let Some(why) = workloads::probe(&load, &mut conn).await? {
                        eprintln!("bench: {} does not answer {}: {why}", servers[s].name, op.name());
                        unsupported.insert((op_index, s), why);
                        continue;
                    }
                }
                let watch = servers[s].watch_rss();
                // The server's CPU time over the measured part of the run (after the warm-up).
                let own_cpu = || servers::process_cpu_seconds(std::process::id());
                let cpu_from = {
                    let server = &servers[s];
                    let warmup = o.warmup;
                    async move {
                        tokio::time::sleep(warmup).await;
                        // A mark for tools that watch the run (scripts/profile starts recording here).
                        eprintln!("bench: measuring {} on {}", op.name(), server.name);
                        (server.cpu_seconds(), own_cpu())
                    }
                };
                let (result, (cpu_from, own_from)) =
                    tokio::join!(load::drive(servers[s].addr, load, o.connections, o.warmup, o.duration), cpu_from);
                let mut result = result?;
                let per_request = |from: Option<f64>, to: Option<f64>| match (from, to) {
                    (Some(from), Some(to)) if result.requests > 0 => Some((to - from) * 1e6 / result.requests as f64),
                    _ => None,
                };
                result.server_cpu_us = per_request(cpu_from, servers[s].cpu_seconds());
                result.client_cpu_us = per_request(own_from, own_cpu());
                let rss = watch.peak_mib();
                eprintln!(
                    "bench: run {} {:<14} {:<52} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  errors {}  rss {:.0} MiB  cpu {:.0} µs/req  load generator {:.0} µs/req",
                    run + 1,
                    servers[s].name,
                    op.name(),
                    result.per_second,
                    result.p50_ms,
                    result.p99_ms,
                    result.errors,
                    rss,
                    result.server_cpu_us.unwrap_or(f64::NAN),
                    result.client_cpu_us.unwrap_or(f64::NAN)
                );
                results.entry((op_index, s)).or_default().push((result, rss));
            }
        }
    }

    let mut cells = Vec::new();
    for (op_index, op) in o.ops.iter().enumerate() {
        for (s, server) in servers.iter().enumerate() {
            let runs: Vec<(RunResult, f64)> = results.remove(&(op_index, s)).unwrap_or_default();
            let median = |mut v: Vec<f64>| -> f64 {
                if v.is_empty() {
                    return 0.0;
                }
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            // The median of a figure the runs may lack (a CPU time that could not be read).
            let median_of = |runs: &[(RunResult, f64)], figure: fn(&RunResult) -> Option<f64>| {
                let v: Vec<f64> = runs.iter().filter_map(|(r, _)| figure(r)).collect();
                (!v.is_empty()).then(|| median(v))
            };
            let per_second: Vec<f64> = runs.iter().map(|(r, _)| r.per_second).collect();
            cells.push(Cell {
                server: server.name.clone(),
                operation: op.name().into(),
                unsupported: unsupported.remove(&(op_index, s)),
                median_per_second: median(per_second.clone()),
                min_per_second: per_second.iter().copied().fold(f64::INFINITY, f64::min).min(f64::MAX),
                max_per_second: per_second.iter().copied().fold(0.0, f64::max),
                median_p50_ms: median(runs.iter().map(|(r, _)| r.p50_ms).collect()),
                median_p99_ms: median(runs.iter().map(|(r, _)| r.p99_ms).collect()),
                errors: runs.iter().map(|(r, _)| r.errors).sum(),
                peak_rss_mib: runs.iter().map(|(_, rss)| *rss).fold(0.0, f64::max),
                median_server_cpu_us: median_of(&runs, |r| r.server_cpu_us),
                median_client_cpu_us: median_of(&runs, |r| r.client_cpu_us),
                runs: runs.into_iter().map(|(r, _)| r).collect(),
            });
        }
    }
    drop(servers);
    let _ = std::fs::remove_dir_all(&run_dir);
    Ok(Report {
        label: o.label.clone(),
        machine: machine(),
        users: o.users,
        stored_users: o.stored,
        connections: o.connections,
        duration_secs: o.duration.as_secs_f64(),
        runs: o.runs,
        cognate_args: o.cognate_args.clone(),
        cells,
    })
}

/// The database cognate runs on: `--database` among its arguments, or the data directory's file.
fn database_url(run_dir: &Path, cognate_args: &[String]) -> String {
    let given = cognate_args.iter().position(|a| a == "--database").and_then(|i| cognate_args.get(i + 1));
    let given =
        given.cloned().or_else(|| cognate_args.iter().find_map(|a| a.strip_prefix("--database=").map(str::to_string)));
    given.unwrap_or_else(|| format!("sqlite://{}", run_dir.join("cognate-data/cognate.db").display()))
}

/// A new directory for one run's data.
fn tempfile_dir(scratch: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(scratch)?;
    for i in 0u32.. {
        let dir = scratch.join(format!("run-{}-{i}", std::process::id()));
        if std::fs::create_dir(&dir).is_ok() {
            return Ok(dir);
        }
    }
    unreachable!("u32 exhausted")
}

/// The report as a Markdown table, with ratios against cognate when peers ran.
fn render(r: &Report) -> String {
    let mut t = format!(
        "{} — {} users{}, {} connections, {} × {:.0} s runs (medians), {} CPUs ({}), {:.1} GiB{}\n\n",
        r.label,
        r.users,
        if r.stored_users > r.users { format!(" ({} stored in cognate)", r.stored_users) } else { String::new() },
        r.connections,
        r.runs,
        r.duration_secs,
        r.machine.cpus,
        r.machine.cpu_model,
        r.machine.memory_gib,
        if r.cognate_args.is_empty() { String::new() } else { format!(", cognate {}", r.cognate_args.join(" ")) },
    );
    t.push_str(
        "| operation | server | req/s [min..max] | p50 ms | p99 ms | errors | peak RSS MiB | server CPU µs/req \
         | load generator CPU µs/req | cognate × |\n",
    );
    t.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for cell in &r.cells {
        if let Some(why) = &cell.unsupported {
            let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
            let why: String = why.chars().take(60).collect::<String>().replace('|', "/");
            t.push_str(&format!("| {} | {} | not answered: {why} | | | | | | | |\n", cell.operation, cell.server));
            continue;
        }
        let ours = r
            .cells
            .iter()
            .find(|c| c.operation == cell.operation && c.server == "cognate")
            .map(|c| c.median_per_second)
            .unwrap_or(0.0);
        let ratio = if cell.server == "cognate" || cell.median_per_second == 0.0 {
            String::new()
        } else {
            format!("{:.1}", ours / cell.median_per_second)
        };
        t.push_str(&format!(
            "| {} | {} | {:.0} [{:.0}..{:.0}] | {:.2} | {:.2} | {} | {:.0} | {} | {} | {} |\n",
            cell.operation,
            cell.server,
            cell.median_per_second,
            cell.min_per_second,
            cell.max_per_second,
            cell.median_p50_ms,
            cell.median_p99_ms,
            cell.errors,
            cell.peak_rss_mib,
            cell.median_server_cpu_us.map(|us| format!("{us:.0}")).unwrap_or_default(),
            cell.median_client_cpu_us.map(|us| format!("{us:.0}")).unwrap_or_default(),
            ratio
        ));
    }
    t
}

/// Replaces the section of `docs/performance.md` between the markers for this label.
fn write_docs(root: &Path, r: &Report, table: &str) -> Result<()> {
    let path = root.join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).context("reading docs/performance.md")?;
    let key = r.label.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let begin = format!("<!-- bench:{key}:begin -->");
    let end = format!("<!-- bench:{key}:end -->");
    let section = format!("{begin}\n{table}{end}");
    let updated = match (doc.find(&begin), doc.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{section}{}", &doc[..b], &doc[e + end.len()..]),
        _ => {
            let marker = "<!-- bench:results -->";
            let at = doc.find(marker).context("docs/performance.md has no <!-- bench:results --> marker")?;
            let at = at + marker.len();
            format!("{}\n\n{section}{}", &doc[..at], &doc[at..])
        }
    };
    std::fs::write(&path, updated)?;
    eprintln!("bench: table written into {}", path.display());
    Ok(())
}
