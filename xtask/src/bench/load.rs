//! The load generator: keep-alive HTTP/1.1 connections, one request in flight on each, every
//! answer checked, latencies kept whole (sorted at the end for the percentiles).
//!
//! The client is lean on purpose, as wrk is: it shares the machine's cores with the server it
//! measures, so every microsecond it spends is one the server does not get. Requests whose body
//! does not change are built once, as bytes ([`Request`]); a connection writes them, reads the
//! answer into a buffer it keeps, and parses the head with `httparse`. The JSON of an answer is
//! only parsed when it is looked at.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A whole request (head and body) ready to be written.
#[derive(Clone)]
pub struct Request(Bytes);

impl Request {
    /// A call of a Cognito operation with a JSON body.
    pub fn new(host: &str, operation: &str, body: &Value) -> Request {
        let body = serde_json::to_vec(body).expect("a JSON value serialises");
        let mut bytes = Vec::with_capacity(body.len() + 320);
        // The peers want a SigV4-looking header on admin operations; cognate ignores it
        // without credentials configured.
        bytes.extend_from_slice(
            format!(
                "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 x-amz-target: AWSCognitoIdentityProviderService.{operation}\r\n\
                 authorization: AWS4-HMAC-SHA256 Credential=bench/20261126/us-east-1/cognito-idp/aws4_request, \
                 SignedHeaders=host, Signature=0\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(&body);
        Request(bytes.into())
    }
}

/// One keep-alive connection to a server.
pub struct Conn {
    stream: Option<TcpStream>,
    addr: SocketAddr,
    host: String,
    /// What has been read of the answer in progress.
    buf: Vec<u8>,
}

/// An answer: the status and the body.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The AWS error code of a failed answer.
    pub fn error_code(&self) -> Option<String> {
        let body = self.json();
        let code = body.get("__type")?.as_str()?;
        Some(code.rsplit('#').next().unwrap_or(code).to_string())
    }

    /// The body as text, for error reports.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).chars().take(300).collect()
    }
}

/// Reads more of an answer into `buf`, with room for at least `wanted` more bytes; the server
/// closing the connection first is an error.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>, wanted: usize) -> Result<()> {
    buf.reserve(wanted);
    if stream.read_buf(buf).await? == 0 {
        bail!("the server closed the connection in the middle of an answer");
    }
    Ok(())
}

/// How the body of an answer is delimited.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

impl Conn {
    /// Opens a connection.
    pub async fn open(addr: SocketAddr) -> Result<Conn> {
        let stream = Some(Self::connect(addr).await?);
        Ok(Conn { stream, addr, host: addr.to_string(), buf: Vec::with_capacity(16 * 1024) })
    }

    async fn connect(addr: SocketAddr) -> Result<TcpStream> {
        let stream = TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }

    /// Calls an operation of the Cognito API.
    pub async fn call(&mut self, operation: &str, body: &Value) -> Result<Answer> {
        let request = Request::new(&self.host, operation, body);
        self.send(&request).await
    }

    /// Calls an operation that must succeed, and returns its answer's body.
    pub async fn ok(&mut self, operation: &str, body: &Value) -> Result<Value> {
        let answer = self.call(operation, body).await?;
        if answer.status != 200 {
            bail!("{operation} answered {}: {}", answer.status, answer.text());
        }
        Ok(answer.json())
    }

    /// Sends a prepared request and reads its answer. A kept-alive connection the server closed
    /// in the meantime (nothing came back on it) is opened again, once; a server that closes
    /// after every answer (moto's) gets a new connection for each request, as its clients do.
    pub async fn send(&mut self, request: &Request) -> Result<Answer> {
        let fresh = self.stream.is_none();
        match self.exchange(request).await {
            Ok(answer) => Ok(answer),
            Err(_) if !fresh && self.buf.is_empty() => {
                self.stream = None;
                self.exchange(request).await
            }
            Err(e) => Err(e),
        }
    }

    async fn exchange(&mut self, request: &Request) -> Result<Answer> {
        if self.stream.is_none() {
            self.stream = Some(Self::connect(self.addr).await?);
        }
        let stream = self.stream.as_mut().expect("connected above");
        let buf = &mut self.buf;
        buf.clear();
        stream.write_all(&request.0).await?;
        let (status, head_len, framing, closing) = loop {
            if buf.len() == buf.capacity() {
                buf.reserve(buf.len());
            }
            if stream.read_buf(buf).await? == 0 {
                bail!("the server closed the connection before answering");
            }
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut head = httparse::Response::new(&mut headers);
            let httparse::Status::Complete(head_len) = head.parse(buf)? else { continue };
            let status = head.code.context("no status")?;
            let mut framing = Framing::UntilClose;
            let mut closing = head.version == Some(0);
            for h in head.headers.iter() {
                if h.name.eq_ignore_ascii_case("content-length") {
                    framing = Framing::Length(std::str::from_utf8(h.value)?.trim().parse()?);
                } else if h.name.eq_ignore_ascii_case("transfer-encoding") && h.value.eq_ignore_ascii_case(b"chunked") {
                    framing = Framing::Chunked;
                } else if h.name.eq_ignore_ascii_case("connection") {
                    closing = h.value.eq_ignore_ascii_case(b"close");
                }
            }
            break (status, head_len, framing, closing);
        };
        let body = match framing {
            Framing::Length(n) => {
                while buf.len() < head_len + n {
                    read_more(stream, buf, head_len + n - buf.len()).await?;
                }
                Bytes::copy_from_slice(&buf[head_len..head_len + n])
            }
            Framing::UntilClose => {
                while stream.read_buf(buf).await? > 0 {
                    buf.reserve(4096);
                }
                self.stream = None;
                Bytes::copy_from_slice(&buf[head_len..])
            }
            Framing::Chunked => {
                let mut body = Vec::new();
                let mut at = head_len;
                loop {
                    match httparse::parse_chunk_size(&buf[at..]) {
                        Ok(httparse::Status::Complete((size_len, size))) => {
                            let size = usize::try_from(size)?;
                            // The chunk, then its CRLF (the last chunk's CRLF ends the body; a
                            // trailer is not expected from these servers).
                            let end = at + size_len + size + 2;
                            while buf.len() < end {
                                read_more(stream, buf, end - buf.len()).await?;
                            }
                            body.extend_from_slice(&buf[at + size_len..at + size_len + size]);
                            at = end;
                            if size == 0 {
                                break;
                            }
                        }
                        Ok(httparse::Status::Partial) => read_more(stream, buf, 4096).await?,
                        Err(_) => bail!("a malformed chunk in an answer"),
                    }
                }
                body.into()
            }
        };
        if closing {
            self.stream = None;
        }
        Ok(Answer { status, body })
    }
}

/// What one iteration of a workload came to.
pub enum Outcome {
    /// The answer the operation expects.
    Ok,
    /// Anything else, described.
    Error(String),
}

/// One unit of load: what a connection does again and again.
pub trait Workload: Send + Sync + 'static {
    /// Does one iteration on `conn`; `worker` is the connection's number, `iteration` counts up.
    fn run(
        &self,
        conn: &mut Conn,
        worker: usize,
        iteration: u64,
    ) -> impl std::future::Future<Output = Result<Outcome>> + Send;
}

/// The measurements of one run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunResult {
    pub requests: u64,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    /// The first few error descriptions.
    pub error_samples: Vec<String>,
    /// The server's CPU time per measured request (all its threads), in µs, when it could be read.
    pub server_cpu_us: Option<f64>,
    /// The load generator's own CPU time per measured request, in µs (its share of the cores).
    pub client_cpu_us: Option<f64>,
}

/// Drives `workload` over `connections` connections for `warmup` (not counted) and `duration`.
///
/// The connections run on one thread of their own (a current-thread runtime): handing answers
/// between threads would cost the shared cores more than the client's work itself. Workloads
/// move their heavy arithmetic (the SRP client's) to the blocking pool.
pub async fn drive<W: Workload>(
    addr: SocketAddr,
    workload: Arc<W>,
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<RunResult> {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(drive_here(
            addr,
            workload,
            connections,
            warmup,
            duration,
        ))
    })
    .await?
}

async fn drive_here<W: Workload>(
    addr: SocketAddr,
    workload: Arc<W>,
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<RunResult> {
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let workload = workload.clone();
        let mut conn = Conn::open(addr).await?;
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<u32> = Vec::with_capacity(1 << 16);
            let mut errors = 0u64;
            let mut samples = Vec::new();
            let mut iteration = 0u64;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let outcome = workload.run(&mut conn, worker, iteration).await;
                iteration += 1;
                let done = Instant::now();
                if t0 < measure_from {
                    continue;
                }
                latencies.push(u32::try_from(done.duration_since(t0).as_micros()).unwrap_or(u32::MAX));
                match outcome {
                    Ok(Outcome::Ok) => {}
                    Ok(Outcome::Error(e)) => {
                        errors += 1;
                        if samples.len() < 3 {
                            samples.push(e);
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if samples.len() < 3 {
                            samples.push(format!("{e:#}"));
                        }
                        // The connection may be gone: open another.
                        match Conn::open(addr).await {
                            Ok(c) => conn = c,
                            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                        }
                    }
                }
            }
            (latencies, errors, samples)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut error_samples = Vec::new();
    for task in tasks {
        let (l, e, s) = task.await?;
        latencies.extend(l);
        errors += e;
        for sample in s {
            if error_samples.len() < 5 && !error_samples.contains(&sample) {
                error_samples.push(sample);
            }
        }
    }
    let seconds = duration.as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[rank]) / 1000.0
    };
    let requests = latencies.len() as u64;
    Ok(RunResult {
        requests,
        seconds,
        per_second: requests as f64 / seconds,
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        errors,
        error_samples,
        server_cpu_us: None,
        client_cpu_us: None,
    })
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::{Conn, Request};

    /// A server that answers each request on a connection with the next of `answers`, written
    /// in pieces of 7 bytes (so that heads and bodies arrive split), and then closes.
    async fn server(answers: Vec<&'static str>) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut answers = answers.into_iter();
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = vec![0u8; 4096];
                loop {
                    let mut request = Vec::new();
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let Some(answer) = answers.next() else { return };
                    for piece in answer.as_bytes().chunks(7) {
                        stream.write_all(piece).await.unwrap();
                        stream.flush().await.unwrap();
                        tokio::task::yield_now().await;
                    }
                    if answer.contains("connection: close") {
                        break;
                    }
                }
            }
        });
        addr
    }

    #[tokio::test]
    async fn reads_each_framing_and_reconnects_after_close() {
        let addr = server(vec![
            "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"a\":\"bc\"}\n",
            "HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n\
             a\r\n{\"__type\":\r\n12\r\n\"x#NotFound\",\"m\":1\r\n1\r\n}\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
            "HTTP/1.1 201 Created\r\ncontent-length: 4\r\n\r\nnull",
        ])
        .await;
        let mut conn = Conn::open(addr).await.unwrap();
        let request = Request::new(&addr.to_string(), "GetUser", &serde_json::json!({"AccessToken": "t"}));

        let first = conn.send(&request).await.unwrap();
        assert_eq!((first.status, first.json()["a"].as_str()), (200, Some("bc")));

        let second = conn.send(&request).await.unwrap();
        assert_eq!(second.status, 400);
        assert_eq!(second.json()["m"], 1);
        assert_eq!(second.error_code().as_deref(), Some("NotFound"));

        let third = conn.send(&request).await.unwrap();
        assert_eq!((third.status, &third.body[..]), (200, &b"{}"[..]));
        assert!(conn.stream.is_none(), "the server said it closes: the connection is dropped");

        // The next request goes out on a new connection.
        let fourth = conn.send(&request).await.unwrap();
        assert_eq!((fourth.status, &fourth.body[..]), (201, &b"null"[..]));
    }

    #[test]
    fn requests_carry_the_operation_and_the_body_length() {
        let request = Request::new("h:1", "SignUp", &serde_json::json!({"ClientId": "c"}));
        let text = std::str::from_utf8(&request.0).unwrap();
        assert!(text.starts_with("POST / HTTP/1.1\r\nhost: h:1\r\n"));
        assert!(text.contains("\r\nx-amz-target: AWSCognitoIdentityProviderService.SignUp\r\n"));
        assert!(text.ends_with("\r\ncontent-length: 16\r\n\r\n{\"ClientId\":\"c\"}"));
    }
}
