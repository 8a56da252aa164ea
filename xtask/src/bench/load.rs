//! The load generator: keep-alive HTTP/1.1 connections, one request in flight on each, every
//! answer checked, latencies kept whole (sorted at the end for the percentiles).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use serde_json::Value;

/// One keep-alive connection to a server.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    host: String,
    /// The server said it closes the connection after the last answer (moto's server does).
    closing: bool,
}

/// An answer: the status and the JSON body (`Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The AWS error code of a failed answer.
    pub fn error_code(&self) -> Option<&str> {
        self.body.get("__type").and_then(Value::as_str).map(|t| t.rsplit('#').next().unwrap_or(t))
    }
}

impl Conn {
    /// Opens a connection.
    pub async fn open(addr: SocketAddr) -> Result<Conn> {
        Ok(Conn { sender: Self::connect(addr).await?, addr, host: addr.to_string(), closing: false })
    }

    async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
        let stream = tokio::net::TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Calls an operation of the Cognito API.
    pub async fn call(&mut self, operation: &str, body: &Value) -> Result<Answer> {
        let request = hyper::Request::post("/")
            .header("host", &self.host)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
            // The peers want a SigV4-looking header on admin operations; cognate ignores it
            // without credentials configured.
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=bench/20261126/us-east-1/cognito-idp/aws4_request, \
                 SignedHeaders=host, Signature=0",
            )
            .body(Full::new(Bytes::from(serde_json::to_vec(body)?)))?;
        if self.closing || self.sender.is_closed() || self.sender.ready().await.is_err() {
            // A server without keep-alive: a new connection for each request, as its clients do.
            self.sender = Self::connect(self.addr).await?;
            self.closing = false;
        }
        let response = self.sender.send_request(request).await?;
        self.closing =
            response.headers().get("connection").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// Calls an operation that must succeed, and returns its answer's body.
    pub async fn ok(&mut self, operation: &str, body: &Value) -> Result<Value> {
        let answer = self.call(operation, body).await?;
        if answer.status != 200 {
            bail!("{operation} answered {}: {}", answer.status, answer.body);
        }
        Ok(answer.body)
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
}

/// Drives `workload` over `connections` connections for `warmup` (not counted) and `duration`.
pub async fn drive<W: Workload>(
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
    })
}
