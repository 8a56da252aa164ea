"""Fixtures that run the real cognate server binary for the client-compatibility suite.

The binary is taken from ``COGNATE_BIN`` (default ``<repo>/target/debug/cognate``). It is started as
``cognate serve --listen 127.0.0.1:0 --data-dir <tmp>``; the server announces itself with exactly one
stdout line ``cognate listening on http://127.0.0.1:PORT``. At the end of a fixture it is stopped with
SIGTERM and must exit with code 0 within 10 seconds.

Backends: SQLite in the data directory by default. With ``COGNATE_TEST_BACKEND=postgres`` every
server gets a fresh database on the PostgreSQL server ``TEST_DATABASE_URL`` names (``scripts/with-postgres``
starts one). With ``COGNATE_TEST_ENDPOINT=http://HOST:PORT`` the shared ``server`` is an instance
already running there (for trying a deployment, e.g. each of several instances in turn;
``COGNATE_TEST_PUBLIC_URL`` names its ``--public-url`` when that is not its own address); tests that
need a server of their own still start one.

Fixtures:

* ``server``       one server for the whole session (most tests share it);
* ``fresh_server`` a new server with an empty data directory for a single test;
* ``idp``          a boto3 ``cognito-idp`` client on ``server``;
* ``raw_idp``      the same with botocore's client-side parameter validation turned off, so that the
                   server's own validation is what gets tested.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import boto3
import botocore.config
import pytest

REPO = Path(__file__).resolve().parents[3]
DEFAULT_BIN = REPO / "target" / "debug" / "cognate"
READY_LINE = re.compile(r"^cognate listening on (http://127\.0\.0\.1:(\d+))$")
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

REGION = "us-east-1"
POOL_ID = re.compile(r"^us-east-1_[0-9A-Za-z]{9}$")
POOL_ARN = re.compile(r"^arn:aws:cognito-idp:us-east-1:\d{12}:userpool/(us-east-1_[0-9A-Za-z]{9})$")
CLIENT_ID = re.compile(r"^[0-9a-v]{26}$")
CLIENT_SECRET = re.compile(r"^[0-9a-v]{52}$")
# Well-formed (passes the `[\w-]+_[0-9a-zA-Z]+` pattern) but never created.
UNKNOWN_POOL_ID = "us-east-1_NoSuchPool"
UNKNOWN_CLIENT_ID = "0123456789abcdefghijklmnop"


def cognate_bin() -> Path:
    path = Path(os.environ.get("COGNATE_BIN") or DEFAULT_BIN)
    if not path.is_file():
        # A missing binary is a failure of the run, never a reason to skip.
        raise FileNotFoundError(
            f"cognate server binary not found at {path}; build it with `cargo build` "
            "or point COGNATE_BIN at it"
        )
    return path


class CognateServer:
    """A running cognate process plus helpers to talk to it."""

    def __init__(self, data_dir: Path, log_dir: Path, extra_args: Sequence[str] = ()):
        self.data_dir = Path(data_dir)
        self.log_dir = Path(log_dir)
        # Further ``serve`` arguments (e.g. ``--smtp-host``), appended after the fixed ones; read at
        # every start, so a test may change them before ``restart``.
        self.extra_args: list[str] = [str(a) for a in extra_args]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.url: str | None = None
        self.proc: subprocess.Popen | None = None
        self.stdout_lines: list[str] = []
        self._starts = 0
        self._drain: threading.Thread | None = None
        self._stderr_path: Path | None = None
        self.database_args: list[str] = []
        if os.environ.get("COGNATE_TEST_BACKEND") == "postgres":
            self.database_args = ["--database", fresh_postgres_database()]

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        assert self.proc is None, "server already running"
        binary = cognate_bin()
        self._starts += 1
        self._stderr_path = self.log_dir / f"stderr-{self._starts}.log"
        stderr = open(self._stderr_path, "wb")
        try:
            self.proc = subprocess.Popen(
                [
                    str(binary),
                    "serve",
                    "--listen",
                    "127.0.0.1:0",
                    "--data-dir",
                    str(self.data_dir),
                    *self.database_args,
                    *self.extra_args,
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=str(self.log_dir),
            )
        finally:
            stderr.close()

        ready = threading.Event()
        found: dict[str, str] = {}
        lines: list[str] = []
        self.stdout_lines = lines
        proc = self.proc

        def drain() -> None:
            # Read every stdout line for the life of the process, so that the server can never
            # block on a full pipe; the first ready line gives the URL.
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                lines.append(line)
                if not ready.is_set():
                    m = READY_LINE.match(line)
                    if m:
                        found["url"] = m.group(1)
                        ready.set()
            ready.set()  # EOF: wake the waiter so it can report the early exit

        self._drain = threading.Thread(target=drain, name=f"cognate-stdout-{self._starts}", daemon=True)
        self._drain.start()

        deadline = time.monotonic() + READY_TIMEOUT
        while not ready.wait(0.1):
            if time.monotonic() > deadline:
                self._kill()
                raise RuntimeError(
                    f"cognate did not print its ready line within {READY_TIMEOUT:.0f} s\n"
                    f"stdout: {lines!r}\nstderr:\n{self.stderr_text()}"
                )
        if "url" not in found:
            code = self.proc.wait(timeout=5)
            self.proc = None
            raise RuntimeError(
                f"cognate exited (code {code}) before printing its ready line\n"
                f"stdout: {lines!r}\nstderr:\n{self.stderr_text()}"
            )
        self.url = found["url"]

    def stop(self) -> int:
        """SIGTERM the server and require a clean exit (code 0) within 10 s."""
        proc = self.proc
        assert proc is not None, "server is not running"
        self.proc = None
        if proc.poll() is not None:
            code = proc.returncode
            raise AssertionError(
                f"cognate had already exited with code {code} before it was asked to stop\n"
                f"stderr:\n{self.stderr_text()}"
            )
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(
                f"cognate did not exit within {STOP_TIMEOUT:.0f} s of SIGTERM\nstderr:\n{self.stderr_text()}"
            )
        if self._drain is not None:
            self._drain.join(timeout=5)
        assert code == 0, f"cognate exited with code {code} after SIGTERM\nstderr:\n{self.stderr_text()}"
        return code

    def restart(self) -> None:
        """Stop cleanly and start again on the same data directory; ``url`` is updated."""
        self.stop()
        self.start()

    def _kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stderr_text(self, limit: int = 20000) -> str:
        if self._stderr_path is None or not self._stderr_path.exists():
            return ""
        text = self._stderr_path.read_text("utf-8", "replace")
        return text[-limit:]

    @property
    def public_url(self) -> str:
        """The base of the tokens' issuer: the server's own URL unless it was started with another
        public URL (``COGNATE_TEST_PUBLIC_URL`` for an external instance)."""
        return getattr(self, "explicit_public_url", None) or self.url

    # -- clients -------------------------------------------------------------------------------

    def client(self, validate: bool = True, **config):
        """A boto3 ``cognito-idp`` client pointed at this server.

        ``validate=False`` turns off botocore's client-side parameter validation. Retries are
        disabled so that a server error is seen as it is, not hidden by a retry.
        """
        assert self.url is not None, "server is not running"
        cfg = botocore.config.Config(
            parameter_validation=validate,
            retries={"total_max_attempts": 1},
            connect_timeout=10,
            read_timeout=30,
            **config,
        )
        return boto3.client(
            "cognito-idp",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=cfg,
        )


def fresh_postgres_database() -> str:
    """A new, empty database on the test PostgreSQL server; its URL."""
    import psycopg

    admin = os.environ.get("TEST_DATABASE_URL")
    if not admin:
        raise RuntimeError("COGNATE_TEST_BACKEND=postgres needs TEST_DATABASE_URL (scripts/with-postgres sets it)")
    name = f"compat_{uuid.uuid4().hex}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + "/" + name


class ExternalCognate(CognateServer):
    """An instance someone else started and stops: only its URL is used."""

    def __init__(self, url: str, log_dir: Path):
        super().__init__(log_dir / "unused", log_dir)
        self.database_args = []
        self.external_url = url.rstrip("/")
        self.url = self.external_url
        self.explicit_public_url = os.environ.get("COGNATE_TEST_PUBLIC_URL")

    def start(self) -> None:
        self.url = self.external_url

    def stop(self) -> int:
        return 0


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("cognate-session")
    endpoint = os.environ.get("COGNATE_TEST_ENDPOINT")
    if endpoint:
        yield ExternalCognate(endpoint, base / "logs")
        return
    srv = CognateServer(base / "data", base / "logs")
    srv.start()
    try:
        yield srv
    finally:
        if srv.proc is not None:
            srv.stop()


@pytest.fixture
def fresh_server(tmp_path):
    srv = CognateServer(tmp_path / "data", tmp_path / "logs")
    srv.start()
    try:
        yield srv
    finally:
        if srv.proc is not None:
            srv.stop()


@pytest.fixture
def idp(server):
    return server.client()


@pytest.fixture
def raw_idp(server):
    return server.client(validate=False)


def unique_name(prefix: str = "pool") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
