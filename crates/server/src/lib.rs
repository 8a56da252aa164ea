//! The `cognate` server: configuration, the HTTP router and the AWS JSON protocol layer in
//! front of the core service, with its storage and adapters wired in.

pub mod adapters;
pub mod config;
mod http;
pub mod keys;
pub mod protocol;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use cognate_core::ports::delivery::MessageSender;
use cognate_core::ports::{Clock, Rng, Store, SystemClock};
use cognate_core::{Cognito, ServiceConfig, Services};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

pub use config::Settings;

/// How long in-flight requests may run on after a shutdown is asked for.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// A listener whose clients must send a request's headers within `timeout` (the first request
/// of a connection included), so that slow or silent clients cannot hold connections open; the
/// body has its own deadline in the protocol layer.
fn with_timeouts<A: axum_server::Address, Acc>(
    mut server: axum_server::Server<A, Acc>,
    timeout: std::time::Duration,
) -> axum_server::Server<A, Acc> {
    server.http_builder().http1().header_read_timeout(timeout);
    server.first_request_timeout(timeout)
}

/// What request handlers share.
pub struct AppState {
    /// The service.
    pub service: Cognito,
    /// The store, for health checks.
    pub store: Arc<dyn Store>,
    /// How signed operations are authorised.
    pub sigv4: protocol::sigv4::SigV4Mode,
    /// The region, for the messages API's LocalStack shapes.
    pub region: String,
    /// Where this server is reached (JWKS links point here even with the AWS issuer form).
    pub public_url: String,
    /// Request-rate quotas.
    pub quotas: protocol::quotas::Quotas,
    /// How long a client may take to send a request's body.
    pub body_timeout: std::time::Duration,
    /// The clock requests are judged by (signature dates).
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// The current time by the server's clock.
    pub fn now(&self) -> std::time::SystemTime {
        let millis = u64::try_from(self.clock.now_millis()).unwrap_or(0);
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(millis)
    }
}

/// Ports a caller may replace (tests inject a manual clock).
#[derive(Clone, Default)]
pub struct Overrides {
    /// The clock; the system clock when `None`.
    pub clock: Option<Arc<dyn Clock>>,
    /// The random source; the OS CSPRNG when `None`.
    pub rng: Option<Arc<dyn Rng>>,
    /// Where messages go; the console when `None`.
    pub sender: Option<Arc<dyn MessageSender>>,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    public_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// A database URL fit for logs: the user and password left out.
fn without_credentials(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}{}", &url[..scheme + 3], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// Whether the development endpoints (the messages API) are served.
fn dev_api_enabled(settings: &Settings) -> bool {
    settings.dev_api.unwrap_or_else(|| settings.listen.ip().is_loopback())
}

impl Server {
    /// Opens the store, binds the address and starts serving.
    pub async fn start(settings: Settings, overrides: Overrides) -> anyhow::Result<Server> {
        settings.check_exposure()?;
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
        let options = cognate_store::StoreOptions {
            max_connections: settings.database_pool_size,
            durable: settings.database_durable,
        };
        let url = settings.database_url();
        let store = cognate_store::open(&url, &options).await?;
        tracing::info!(database = %without_credentials(&url), "store opened");
        let kek = keys::load_or_create(settings.key_encryption_key.as_ref().map(|k| k.0.as_str()), &settings.data_dir)?;
        let vault = Arc::new(cognate_core::vault::Vault::new(&kek)?);
        keys::check(&vault, store.as_ref()).await?;
        let request_timeout = std::time::Duration::from_millis(settings.request_timeout_ms);
        let listener =
            TcpListener::bind(settings.listen).await.with_context(|| format!("listening on {}", settings.listen))?;
        let addr = listener.local_addr()?;
        let public_url = settings.public_url_for(addr);
        let clock = overrides.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let services = Services {
            store: store.clone(),
            clock: clock.clone(),
            rng: overrides.rng.unwrap_or_else(|| Arc::new(adapters::rng::OsRng)),
            config: Arc::new(ServiceConfig {
                region: settings.region.clone(),
                account_id: settings.account_id.clone(),
                issuer_base: settings.issuer_base(addr),
                limits: settings.limits,
                channels: cognate_core::Channels {
                    email: settings.smtp.is_some(),
                    sms: settings.sms_webhook.is_some(),
                    required: settings.require_delivery_channels,
                },
            }),
            vault,
            code_key: Default::default(),
            keys: Default::default(),
            verified: Default::default(),
            pools: Default::default(),
            compute: Arc::new(adapters::compute::BlockingPool),
            triggers: match &settings.lambda_endpoint {
                Some(url) => Arc::new(adapters::lambda::LambdaHttp::new(
                    url,
                    std::time::Duration::from_millis(settings.lambda_timeout_ms),
                    settings.lambda_signing.as_ref().map(|(k, s, r)| adapters::lambda::Signing {
                        access_key_id: k.clone(),
                        secret_access_key: s.0.clone(),
                        region: r.clone().unwrap_or_else(|| settings.region.clone()),
                    }),
                )?),
                None => Arc::new(cognate_core::ports::triggers::NoTriggers),
            },
        };
        let state = Arc::new(AppState {
            service: Cognito::new(services),
            store: store.clone(),
            sigv4: if settings.admin_credentials.is_empty() {
                protocol::sigv4::SigV4Mode::AcceptAny
            } else {
                protocol::sigv4::SigV4Mode::Verify(protocol::sigv4::Verifier::new(
                    &settings.region,
                    &settings.admin_credentials,
                ))
            },
            clock: clock.clone(),
            region: settings.region.clone(),
            public_url: public_url.clone(),
            body_timeout: request_timeout,
            quotas: match &settings.quotas {
                config::QuotaSetting::Off => protocol::quotas::Quotas::default(),
                config::QuotaSetting::Aws => protocol::quotas::Quotas::aws(),
                config::QuotaSetting::Custom(rates) => protocol::quotas::Quotas::new(rates),
            },
        });
        let app = router(state, dev_api_enabled(&settings));
        let sender = match overrides.sender {
            Some(s) => s,
            None => Arc::new(channels(&settings)?),
        };
        let (stop_worker, worker_stop) = watch::channel(false);
        let worker = tokio::spawn(adapters::outbox_worker::run(store.clone(), clock, sender, worker_stop));
        let tls_handle = axum_server::Handle::new();
        let mut tls_addr = None;
        let tls_task = match settings.tls_listen {
            Some(at) => {
                let files = tls::files(settings.tls_cert.as_deref(), settings.tls_key.as_deref(), &settings.data_dir)?;
                let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
                let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
                    .await
                    .with_context(|| format!("loading {} and {}", files.cert.display(), files.key.display()))?;
                let server = with_timeouts(axum_server::bind_rustls(at, config), request_timeout)
                    .handle(tls_handle.clone())
                    .serve(app.clone().into_make_service_with_connect_info::<SocketAddr>());
                let task = tokio::spawn(server);
                tls_addr = Some(tls_handle.listening().await.context("starting the HTTPS listener")?);
                Some(task)
            }
            None => None,
        };
        let (tx, rx) = oneshot::channel::<()>();
        let plain_handle = axum_server::Handle::new();
        let plain = with_timeouts(axum_server::from_tcp(listener.into_std()?)?, request_timeout)
            .handle(plain_handle.clone())
            .serve(app.into_make_service_with_connect_info::<SocketAddr>());
        let task = tokio::spawn(async move {
            let serving = tokio::spawn(plain);
            let _ = rx.await;
            // In-flight requests finish (for at most the grace period); the worker finishes its
            // current delivery; then the database is closed cleanly.
            plain_handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
            let served = serving.await.context("HTTP listener task")?;
            tls_handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
            if let Some(t) = tls_task {
                let _ = t.await;
            }
            let _ = stop_worker.send(true);
            let _ = worker.await;
            store.close().await;
            served.context("serving")
        });
        Ok(Server { addr, tls_addr, public_url, shutdown: Some(tx), task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound HTTPS address, when serving HTTPS.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The public base URL.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Stops accepting connections, lets in-flight requests finish and closes the store.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.context("server task")?
    }

    /// Serves until `signalled` completes (see [`shutdown_signal`]), then stops cleanly.
    pub async fn run_until(self, signalled: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
        signalled.await;
        tracing::info!("shutting down");
        self.stop().await
    }
}

/// The delivery channels the settings configure.
fn channels(settings: &Settings) -> anyhow::Result<adapters::router::ChannelRouter> {
    let email: Option<Arc<dyn MessageSender>> = match &settings.smtp {
        Some(s) => Some(Arc::new(adapters::smtp::Smtp::new(
            &s.host,
            s.port,
            s.security.parse().map_err(anyhow::Error::msg)?,
            s.credentials.as_ref().map(|(u, p)| (u.clone(), p.0.clone())),
            &settings.smtp_from,
        )?)),
        None => None,
    };
    let sms: Option<Arc<dyn MessageSender>> = match &settings.sms_webhook {
        Some(w) => Some(Arc::new(adapters::sms_webhook::SmsWebhook::new(&w.url, &w.secret.0)?)),
        None => None,
    };
    Ok(adapters::router::ChannelRouter { email, sms, console: adapters::console::ConsoleSender })
}

/// The HTTP router with its layers; `dev_api` mounts the messages API.
pub fn router(state: Arc<AppState>, dev_api: bool) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            HeaderName::from_static(protocol::REQUEST_ID),
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-errormessage"),
            HeaderName::from_static("date"),
        ])
        .max_age(std::time::Duration::from_secs(86_400));
    let mut routes = Router::new()
        .route("/", any(protocol::handle))
        .route("/health", get(http::health::health))
        .route("/{pool_id}/.well-known/jwks.json", get(http::well_known::jwks_json))
        .route("/{pool_id}/.well-known/openid-configuration", get(http::well_known::openid_configuration));
    if dev_api {
        let dev = Router::new()
            .route("/_cognate/messages", get(http::messages::get_messages).delete(http::messages::delete_messages))
            .route("/_aws/ses", get(http::messages::ses))
            .route("/_aws/sns/sms-messages", get(http::messages::sns))
            .layer(axum::middleware::from_fn_with_state(state.clone(), http::messages::signed));
        routes = routes.merge(dev);
    }
    routes
        .fallback(|| async { protocol::not_understood(&uuid::Uuid::new_v4().to_string()) })
        .layer(axum::middleware::map_response_with_state(state.clone(), date_header))
        .with_state(state)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(cors)
}

/// The `Date` header by the server's clock, the one signatures are judged by: SDKs correct
/// their clock skew from it before signing again.
async fn date_header(State(state): State<Arc<AppState>>, mut response: Response) -> Response {
    let date = time::OffsetDateTime::UNIX_EPOCH + state.now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    if let Some(v) = date.format(format).ok().and_then(|d| HeaderValue::try_from(d).ok()) {
        response.headers_mut().insert("date", v);
    }
    response
}

/// A panic in a handler answers as an internal error, never as an HTML page.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let mut r = protocol::errors::service_error(&uuid::Uuid::new_v4().to_string(), &protocol::errors::internal());
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r.headers_mut().insert("content-type", HeaderValue::from_static(protocol::JSON_CONTENT_TYPE));
    r.into_response()
}

/// Listens for SIGINT and SIGTERM from the moment it is called (so a signal that arrives before
/// the returned future is awaited is not lost); the future completes on the first of them.
#[cfg(unix)]
pub fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    })
}

/// Listens for Ctrl-C; the future completes on it.
#[cfg(not(unix))]
pub fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
