//! The SQLite backend: one database file in WAL mode, foreign keys on, migrations embedded and
//! applied at open.
//!
//! Writes go to one writer thread that owns the write connection. It takes every unit of work
//! queued at that moment and commits them together (group commit): each unit runs inside its own
//! savepoint, so one that fails or backs out leaves the others alone, and no caller is answered
//! before the commit that holds its writes. Under load that turns many small commits (and, with
//! `synchronous=FULL`, many fsyncs) into few. Point reads run on pooled read connections in
//! place (a WAL reader never waits for the writer; a point read takes microseconds); scans run
//! on the blocking pool. The busy timeout covers other processes sharing the file. The writer
//! never checkpoints: a checkpoint thread copies the log into the database file beside it.

mod codes;
mod groups;
mod outbox;
mod pools;
mod tokens;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use cognate_core::ports::store::{StoreError, StoreResult};
use cognate_core::ports::Store;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OptionalExtension};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::StoreOptions;

/// How many queued units of work one commit takes at most.
const GROUP_MAX: usize = 512;

/// The store on one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    readers: r2d2::Pool<SqliteConnectionManager>,
    writer: Arc<Writer>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

/// A backend failure.
pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(anyhow::Error::new(e))
}

/// The message of a uniqueness violation (`UNIQUE constraint failed: table.column, …`).
pub(crate) fn unique_violation(e: &rusqlite::Error) -> Option<&str> {
    match e {
        rusqlite::Error::SqliteFailure(f, message)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Some(message.as_deref().unwrap_or_default())
        }
        _ => None,
    }
}

/// What a unit of work decided: keep its writes, or undo them (a precondition did not hold).
pub(crate) enum Unit<R> {
    /// Commit what the unit wrote.
    Keep(R),
    /// Roll the unit's writes back and answer `R`.
    Undo(R),
}

/// A unit of work for the writer, and what to do once its fate is known.
type Job = Box<dyn FnOnce(&Connection) -> Done + Send>;

/// A unit's outcome: whether to keep its writes, and how to answer once the commit is done.
struct Done {
    keep: bool,
    answer: Box<dyn FnOnce(Result<(), String>) + Send>,
}

struct Writer {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Dropping the sender stops the checkpoint thread.
    checkpointer: Mutex<Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>>,
}

/// How often the checkpoint thread copies the write-ahead log into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Log frames (pages) past which the checkpoint thread has the log started over.
const RESTART_FRAMES: i64 = 8192;

/// The size the log file is cut back to when the log starts over, in bytes.
const WAL_SIZE_LIMIT: i64 = 64 << 20;

/// The checkpoint thread, until `stop` is dropped. Every [`CHECKPOINT_EVERY`] a passive
/// checkpoint copies what the log holds into the database file without blocking the writer or
/// readers. Under steady writes such a checkpoint never quite catches up, so the log would grow
/// without end: past [`RESTART_FRAMES`] a restart checkpoint waits for the writer's current
/// batch, copies the few frames left and lets the next write start the log from the beginning.
fn checkpoint_loop(conn: &Connection, stop: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        let frames = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
        let done = match frames {
            Ok(frames) if frames > RESTART_FRAMES => conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())),
            other => other.map(|_| ()),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "checkpointing the write-ahead log");
        }
    }
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 32;

fn configure(conn: &Connection, synchronous: &str) -> rusqlite::Result<()> {
    // Every statement is prepared once per connection and kept: more distinct statements than
    // rusqlite's default 16 run on the writer, and a full cache would re-prepare them in turn.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = {synchronous};"
    ))
}

/// Runs one transaction-control statement, prepared once and kept (these run several times
/// per request: parsing them each time showed in profiles).
fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// The writer thread: takes what is queued, runs each unit in a savepoint, commits once.
fn write_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < GROUP_MAX {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(batch.len());
        if let Err(e) = run(&conn, "BEGIN IMMEDIATE") {
            // Nothing of the batch runs; dropping a job answers its caller with an error.
            tracing::error!(error = %e, "beginning a write transaction");
            drop(batch);
            continue;
        }
        for job in batch {
            let savepoint = run(&conn, "SAVEPOINT unit");
            let done = job(&conn);
            let settled = match (savepoint, done.keep) {
                (Ok(()), true) => run(&conn, "RELEASE unit"),
                (Ok(()), false) => run(&conn, "ROLLBACK TO unit").and_then(|()| run(&conn, "RELEASE unit")),
                (Err(e), _) => Err(e),
            };
            answers.push((done.answer, settled.err().map(|e| e.to_string())));
        }
        let committed = run(&conn, "COMMIT").map_err(|e| e.to_string());
        if committed.is_err() {
            let _ = run(&conn, "ROLLBACK");
        }
        for (answer, unit_error) in answers {
            answer(match (&committed, unit_error) {
                (Err(e), _) => Err(format!("committing: {e}")),
                (Ok(()), Some(e)) => Err(e),
                (Ok(()), None) => Ok(()),
            });
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies the migrations.
    pub async fn open(path: &Path, options: &StoreOptions) -> anyhow::Result<Self> {
        migrate(path).await?;
        let synchronous = if options.durable { "FULL" } else { "NORMAL" };
        let manager = SqliteConnectionManager::file(path).with_init(|c| configure(c, "NORMAL"));
        let readers = r2d2::Pool::builder()
            .max_size(options.max_connections.unwrap_or(8).max(2))
            .min_idle(Some(2))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .context("opening read connections")?;
        let conn = Connection::open(path).context("opening the write connection")?;
        configure(&conn, synchronous).context("configuring the write connection")?;
        // The writer never checkpoints at commit (a checkpoint copies pages into the database
        // file and syncs it: milliseconds that every request of the batch would wait for); the
        // checkpointer thread does it beside it.
        conn.pragma_update(None, "wal_autocheckpoint", 0).context("configuring the write connection")?;
        // A log file that grew under a burst is cut back when the log starts over.
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT).context("configuring the write connection")?;
        let checkpoints = Connection::open(path).context("opening the checkpoint connection")?;
        configure(&checkpoints, synchronous).context("configuring the checkpoint connection")?;
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("cognate-sqlite-writer".into())
            .spawn(move || write_loop(conn, rx))
            .context("starting the writer thread")?;
        let (stop, stopped) = mpsc::channel::<()>();
        let checkpointer = std::thread::Builder::new()
            .name("cognate-sqlite-checkpointer".into())
            .spawn(move || checkpoint_loop(&checkpoints, &stopped))
            .context("starting the checkpoint thread")?;
        let writer = Writer {
            jobs: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
            checkpointer: Mutex::new(Some((stop, checkpointer))),
        };
        Ok(Self { readers, writer: Arc::new(writer) })
    }

    /// Runs a unit of work on the writer; answers once the commit that holds it is done.
    pub(crate) async fn write<R, F>(&self, work: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<Unit<R>> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<StoreResult<R>>();
        let job: Job = Box::new(move |conn| {
            let (keep, result) = match work(conn) {
                Ok(Unit::Keep(r)) => (true, Ok(r)),
                Ok(Unit::Undo(r)) => (false, Ok(r)),
                Err(e) => (false, Err(e)),
            };
            Done {
                keep,
                answer: Box::new(move |settled| {
                    let _ = tx.send(match settled {
                        Ok(()) => result,
                        Err(why) => Err(StoreError::Backend(anyhow::anyhow!(why))),
                    });
                }),
            }
        });
        let sent = match self.writer.jobs.lock() {
            Ok(guard) => guard.as_ref().map(|jobs| jobs.send(job).is_ok()).unwrap_or(false),
            Err(_) => false,
        };
        if !sent {
            return Err(StoreError::Backend(anyhow::anyhow!("the store is closed")));
        }
        rx.await.map_err(|_| StoreError::Backend(anyhow::anyhow!("the write was not done (see the log)")))?
    }

    /// A write that is one statement (or a few) and always kept.
    pub(crate) async fn write_kept<R, F>(&self, work: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
    {
        self.write(move |conn| work(conn).map(Unit::Keep)).await
    }

    /// A point read, run in place on a pooled connection (microseconds; a WAL reader never
    /// waits for the writer). Falls back to the blocking pool when every connection is busy.
    pub(crate) async fn read<R, F>(&self, work: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        if let Some(conn) = self.readers.try_get() {
            return work(&conn).map_err(backend);
        }
        self.scan(work).await
    }

    /// A read that may take long (a listing): run on the blocking pool.
    pub(crate) async fn scan<R, F>(&self, work: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = readers.get().map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?;
            work(&conn).map_err(backend)
        })
        .await
        .map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?
    }

    /// Copies the database at `path` into the new file `to`, consistently, while other
    /// connections go on reading and writing.
    pub async fn backup(path: &Path, to: &Path) -> anyhow::Result<()> {
        if to.exists() {
            anyhow::bail!("{} exists already: a backup is written to a new file", to.display());
        }
        if !path.exists() {
            anyhow::bail!("there is no database at {}", path.display());
        }
        let (path, to) = (path.to_path_buf(), to.to_path_buf());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let conn = Connection::open(&path).context("connecting")?;
            conn.busy_timeout(Duration::from_secs(10))?;
            let target = to.to_str().context("the backup path is not UTF-8")?;
            conn.execute("VACUUM INTO ?1", [target]).context("writing the backup")?;
            Ok(())
        })
        .await?
    }
}

/// Applies the migrations. Processes opening the same file take turns: SQLite has no advisory
/// lock, so an exclusive lock on a file beside the database stands in for one.
async fn migrate(path: &Path) -> anyhow::Result<()> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .context("waiting for the migration lock")?
    .context("taking the migration lock")?;
    let connect = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(connect).await.context("connecting")?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await.context("applying migrations")?;
    pool.close().await;
    drop(lock);
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn health(&self) -> StoreResult<()> {
        self.read(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))).await?;
        Ok(())
    }

    async fn close(&self) {
        // Let the writer finish what is queued, then checkpoint the WAL so the database file
        // alone is complete.
        let _ = self
            .write_kept(|c| {
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).map_err(backend)?;
                Ok(())
            })
            .await;
        if let Ok(mut jobs) = self.writer.jobs.lock() {
            jobs.take();
        }
        let checkpointer = self.writer.checkpointer.lock().ok().and_then(|mut c| c.take());
        if let Some((stop, thread)) = checkpointer {
            drop(stop);
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let thread = self.writer.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let readers = self.readers.clone();
        let _ = tokio::task::spawn_blocking(move || {
            if let Ok(conn) = readers.get() {
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            }
        })
        .await;
    }

    async fn server_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let (name, candidate) = (name.to_string(), candidate.to_vec());
        self.write_kept(move |c| {
            c.prepare_cached("INSERT INTO server_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING")
                .and_then(|mut s| s.execute(rusqlite::params![name, candidate]))
                .map_err(backend)?;
            c.prepare_cached("SELECT value FROM server_secrets WHERE name = ?1")
                .and_then(|mut s| s.query_row([&name], |r| r.get(0)).optional())
                .map_err(backend)?
                .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("server secret {name} vanished")))
        })
        .await
    }
}
