// Runs the real cognate server binary for the Node.js client-compatibility suite.
//
// The binary is taken from COGNATE_BIN (default <repo>/target/debug/cognate); a missing binary is
// a failure of the run, never a reason to skip. It is started as
// `cognate serve --listen 127.0.0.1:0 --data-dir <fresh tmp dir>` and announces itself with the
// stdout line `cognate listening on http://127.0.0.1:PORT`. Stdout and stderr are drained for the
// life of the process, so the server can never block on a full pipe. `stop()` sends SIGTERM and
// requires exit code 0 within 10 seconds.
//
// In a test file:
//
//   const server = useServer();          // registers before/after hooks
//   test("…", async () => { server.url … });

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const DEFAULT_BIN = path.join(REPO, "target", "debug", "cognate");
const READY_LINE = /^cognate listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
const HTTPS_LINE = /^cognate listening on (https:\/\/127\.0\.0\.1:(\d+))$/;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const STDERR_KEEP = 20_000;
// Settings that would change what the suite asserts (issuer URL, region, dev API); a developer's
// shell must not leak them into the server under test. COGNATE_LOG is kept on purpose.
const SCRUBBED_ENV = [
  "COGNATE_CONFIG",
  "COGNATE_LISTEN",
  "COGNATE_DATA_DIR",
  "COGNATE_REGION",
  "COGNATE_PUBLIC_URL",
  "COGNATE_ACCOUNT_ID",
  "COGNATE_DEV_API",
  "COGNATE_ADMIN_ACCESS_KEY_ID",
  "COGNATE_ADMIN_SECRET_ACCESS_KEY",
];

export function cognateBin() {
  const bin = process.env.COGNATE_BIN || DEFAULT_BIN;
  if (!existsSync(bin) || !statSync(bin).isFile()) {
    throw new Error(
      `cognate server binary not found at ${bin}; build it with \`cargo build\` or point COGNATE_BIN at it`,
    );
  }
  return bin;
}

export class CognateServer {
  url = null;
  /** The HTTPS listener's URL, and the development certificate it serves (PEM), when started with `{ tls: true }`. */
  httpsUrl = null;
  caPem = null;
  proc = null;
  dataDir = null;
  stdoutLines = [];
  #stderr = "";
  #exit = null; // resolves to { code, signal } when the process ends

  /** Starts the server on a fresh data directory and waits for its ready line. */
  async start({ tls = false, args: extraArgs = [] } = {}) {
    assert.equal(this.proc, null, "server already running");
    const bin = cognateBin();
    this.dataDir = mkdtempSync(path.join(tmpdir(), "cognate-node-"));
    const env = { ...process.env };
    for (const key of SCRUBBED_ENV) delete env[key];
    const args = ["serve", "--listen", "127.0.0.1:0", "--data-dir", this.dataDir];
    if (tls) args.push("--tls-listen", "127.0.0.1:0");
    args.push(...extraArgs);
    const proc = spawn(bin, args, {
      cwd: this.dataDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc = proc;
    this.#exit = new Promise((resolve) => {
      proc.once("exit", (code, signal) => resolve({ code, signal }));
    });

    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEEP);
    });

    const ready = new Promise((resolve, reject) => {
      let found = false;
      let http = null;
      const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
      // Every line is read for the life of the process; the ready line gives the URL (and, with
      // TLS, the next line the HTTPS URL).
      lines.on("line", (line) => {
        this.stdoutLines.push(line);
        if (found) return;
        const m = READY_LINE.exec(line);
        if (m) http = m[1];
        const t = HTTPS_LINE.exec(line);
        if (t) this.httpsUrl = t[1];
        if (http && (!tls || this.httpsUrl)) {
          found = true;
          resolve(http);
        }
      });
      proc.once("error", (err) => reject(new Error(`could not start ${bin}: ${err.message}`)));
      this.#exit.then(({ code, signal }) => {
        if (!found) {
          reject(
            new Error(
              `cognate exited (code ${code}, signal ${signal}) before printing its ready line\n` +
                `stdout: ${JSON.stringify(this.stdoutLines)}\nstderr:\n${this.#stderr}`,
            ),
          );
        }
      });
    });

    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `cognate did not print its ready line within ${READY_TIMEOUT_MS / 1000} s\n` +
                `stdout: ${JSON.stringify(this.stdoutLines)}\nstderr:\n${this.#stderr}`,
            ),
          ),
        READY_TIMEOUT_MS,
      );
    });
    try {
      this.url = await Promise.race([ready, timeout]);
      if (tls) this.caPem = readFileSync(path.join(this.dataDir, "tls", "dev-cert.pem"), "utf8");
    } catch (err) {
      await this.#kill();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  /** SIGTERMs the server and requires a clean exit (code 0) within 10 s. */
  async stop() {
    const proc = this.proc;
    assert.notEqual(proc, null, "server is not running");
    this.proc = null;
    try {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        assert.fail(
          `cognate had already exited (code ${proc.exitCode}, signal ${proc.signalCode}) ` +
            `before it was asked to stop\nstderr:\n${this.#stderr}`,
        );
      }
      proc.kill("SIGTERM");
      let timer;
      const outcome = await Promise.race([
        this.#exit,
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === null) {
        proc.kill("SIGKILL");
        await this.#exit;
        assert.fail(
          `cognate did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM\nstderr:\n${this.#stderr}`,
        );
      }
      assert.deepEqual(
        outcome,
        { code: 0, signal: null },
        `cognate did not exit cleanly after SIGTERM\nstderr:\n${this.#stderr}`,
      );
    } finally {
      this.#cleanUp();
    }
  }

  stderrText() {
    return this.#stderr;
  }

  async #kill() {
    const proc = this.proc;
    this.proc = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await this.#exit;
    }
    this.#cleanUp();
  }

  #cleanUp() {
    if (this.dataDir) {
      rmSync(this.dataDir, { recursive: true, force: true });
      this.dataDir = null;
    }
  }
}

/**
 * One server for the enclosing test file (or suite): started in a `before` hook, stopped (and
 * required to exit cleanly) in an `after` hook. The returned object's `url` is set once started.
 */
export function useServer(options = {}) {
  const server = new CognateServer();
  before(async () => {
    await server.start(options);
  });
  after(async () => {
    // If start() failed the before hook already failed the file; nothing to stop then.
    if (server.proc !== null) await server.stop();
  });
  return server;
}
