//! Configuration: defaults, then a TOML file (`--config`), then `COGNATE_*` environment
//! variables, then command-line flags. Unknown keys in the file are errors; a bad value stops
//! the server with a message naming it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "cognate", version, about = "A self-hosted server that speaks the Amazon Cognito user pools API.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server.
    Serve(Box<ServeArgs>),
    /// Write a consistent copy of the SQLite database to a new file, while the server runs.
    /// (Back up PostgreSQL with pg_dump.)
    Backup(BackupArgs),
    /// Manage pools' signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

/// `cognate keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key to a pool, while the server runs: new tokens are signed with it
    /// within a minute on every instance; the previous key keeps verifying (and stays in the
    /// JWKS) for a day, until every token it signed has expired.
    Rotate(RotateArgs),
}

/// Flags of `cognate keys rotate`.
#[derive(Debug, Clone, Args)]
pub struct RotateArgs {
    /// The pool.
    #[arg(long = "pool", value_name = "POOL_ID")]
    pub pool_id: String,
    /// The data directory [default: ./.cognate].
    #[arg(long, env = "COGNATE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database [default: sqlite://<data dir>/cognate.db].
    #[arg(long = "database", env = "COGNATE_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The key-encryption key the server runs with [default: <data dir>/kek].
    #[arg(long, env = "COGNATE_KEY_ENCRYPTION_KEY", value_name = "BASE64", hide_env_values = true)]
    pub key_encryption_key: Option<String>,
}

/// Flags of `cognate backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The file to write (it must not exist).
    #[arg(value_name = "FILE")]
    pub to: PathBuf,
    /// The data directory whose database to copy [default: ./.cognate].
    #[arg(long, env = "COGNATE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database to copy [default: sqlite://<data dir>/cognate.db].
    #[arg(long = "database", env = "COGNATE_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// Flags of `cognate serve`; each may also come from the environment or the config file.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// A TOML configuration file.
    #[arg(long, env = "COGNATE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:9229].
    #[arg(long, env = "COGNATE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Directory of the SQLite database and other local state, created if missing [default: ./.cognate].
    #[arg(long, env = "COGNATE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database: `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DB`
    /// [default: sqlite://<data dir>/cognate.db].
    #[arg(long = "database", env = "COGNATE_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The most database connections this instance opens [default: 8 on SQLite, 16 on PostgreSQL].
    #[arg(long, env = "COGNATE_DATABASE_POOL_SIZE", value_name = "N")]
    pub database_pool_size: Option<u32>,
    /// Power-loss-safe SQLite commits (`synchronous=FULL`: an fsync per group commit) rather than
    /// crash-safe ones (`NORMAL`) [default: false]. PostgreSQL follows its `synchronous_commit`.
    #[arg(long, env = "COGNATE_DATABASE_DURABLE", value_name = "BOOL")]
    pub database_durable: Option<bool>,
    /// AWS region used in pool ids and ARNs [default: us-east-1].
    #[arg(long, env = "COGNATE_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Public base URL of this server, used for token issuers [default: http://<listen>].
    #[arg(long, env = "COGNATE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Twelve-digit account id used in ARNs [default: 000000000000].
    #[arg(long, env = "COGNATE_ACCOUNT_ID", value_name = "ID")]
    pub account_id: Option<String>,
    /// Log filter, e.g. `info` or `cognate=debug` [default: info].
    #[arg(long, env = "COGNATE_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Access key id whose SigV4 signatures the admin operations accept (more keys in the
    /// config file's `[[auth.credentials]]`) [default: none: development mode, any signature].
    #[arg(long, env = "COGNATE_ADMIN_ACCESS_KEY_ID", value_name = "KEY")]
    pub admin_access_key_id: Option<String>,
    /// The secret access key of `--admin-access-key-id` (prefer the environment or the file).
    #[arg(long, env = "COGNATE_ADMIN_SECRET_ACCESS_KEY", value_name = "SECRET", hide_env_values = true)]
    pub admin_secret_access_key: Option<String>,
    /// The key-encryption key that seals the secrets stored in the database (signing keys, the
    /// code key, password verifiers): 32 bytes in base64. Every instance on one database needs
    /// the same [default: generated into <data dir>/kek on first start].
    #[arg(long, env = "COGNATE_KEY_ENCRYPTION_KEY", value_name = "BASE64", hide_env_values = true)]
    pub key_encryption_key: Option<String>,
    /// Listen on a non-loopback address although no admin credentials are configured, so that
    /// anyone who reaches the server can call the admin operations [default: false].
    #[arg(long, env = "COGNATE_ALLOW_UNAUTHENTICATED_ADMIN", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub allow_unauthenticated_admin: Option<bool>,
    /// Serve the development messages API (`/_cognate/messages`, `/_aws/ses`, …)
    /// [default: true when listening on loopback, false otherwise].
    #[arg(long, env = "COGNATE_DEV_API", value_name = "BOOL")]
    pub dev_api: Option<bool>,
    /// Also serve HTTPS on this address (port 0 picks a free port).
    #[arg(long, env = "COGNATE_TLS_LISTEN", value_name = "ADDR")]
    pub tls_listen: Option<SocketAddr>,
    /// PEM certificate for HTTPS [default: a generated self-signed development certificate].
    #[arg(long, env = "COGNATE_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, env = "COGNATE_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Lambda Invoke API endpoint for the pools' triggers, e.g. `http://127.0.0.1:3001` for
    /// `sam local start-lambda` [default: none; pools with triggers then fail to invoke them].
    #[arg(long, env = "COGNATE_LAMBDA_ENDPOINT", value_name = "URL")]
    pub lambda_endpoint: Option<String>,
    /// Access key id to sign Lambda invocations with (SigV4), for AWS Lambda itself.
    #[arg(long, env = "COGNATE_LAMBDA_ACCESS_KEY_ID", value_name = "KEY")]
    pub lambda_access_key_id: Option<String>,
    /// Secret access key for signing Lambda invocations.
    #[arg(long, env = "COGNATE_LAMBDA_SECRET_ACCESS_KEY", value_name = "SECRET", hide_env_values = true)]
    pub lambda_secret_access_key: Option<String>,
    /// Region of the Lambda functions [default: the server's region].
    #[arg(long, env = "COGNATE_LAMBDA_REGION", value_name = "REGION")]
    pub lambda_region: Option<String>,
    /// How long a trigger may take, in milliseconds [default: 5000].
    #[arg(long, env = "COGNATE_LAMBDA_TIMEOUT_MS", value_name = "MS")]
    pub lambda_timeout_ms: Option<u64>,
    /// How long a client may take to send a request's headers, and then its body, in
    /// milliseconds [default: 10000].
    #[arg(long, env = "COGNATE_REQUEST_TIMEOUT_MS", value_name = "MS")]
    pub request_timeout_ms: Option<u64>,
    /// SMTP server for email [default: none; emails are printed on the console].
    #[arg(long, env = "COGNATE_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 587, or 465 with tls, or 25 with none].
    #[arg(long, env = "COGNATE_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// SMTP security: `starttls`, `tls` or `none` [default: starttls].
    #[arg(long, env = "COGNATE_SMTP_SECURITY", value_name = "MODE")]
    pub smtp_security: Option<String>,
    /// SMTP user name.
    #[arg(long, env = "COGNATE_SMTP_USERNAME", value_name = "NAME")]
    pub smtp_username: Option<String>,
    /// SMTP password (prefer the environment or the file to a flag).
    #[arg(long, env = "COGNATE_SMTP_PASSWORD", value_name = "PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender of emails whose pool names none [default: no-reply@verificationemail.com].
    #[arg(long, env = "COGNATE_SMTP_FROM", value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// URL that SMS messages are POSTed to [default: none; SMS are printed on the console].
    #[arg(long, env = "COGNATE_SMS_WEBHOOK_URL", value_name = "URL")]
    pub sms_webhook_url: Option<String>,
    /// Secret the SMS webhook requests are signed with (HMAC-SHA256).
    #[arg(long, env = "COGNATE_SMS_WEBHOOK_SECRET", value_name = "SECRET", hide_env_values = true)]
    pub sms_webhook_secret: Option<String>,
    /// Refuse to send a code on a medium that has no channel (`CodeDeliveryFailureException`)
    /// instead of printing it on the console [default: false].
    #[arg(long, env = "COGNATE_REQUIRE_DELIVERY_CHANNELS", value_name = "BOOL")]
    pub require_delivery_channels: Option<bool>,
    /// GetUserAttributeVerificationCode calls allowed per user per window [default: 5].
    #[arg(long, env = "COGNATE_ATTRIBUTE_CODE_LIMIT", value_name = "N")]
    pub attribute_code_limit: Option<u32>,
    /// VerifyUserAttribute calls allowed per user per window [default: 15].
    #[arg(long, env = "COGNATE_ATTRIBUTE_VERIFY_LIMIT", value_name = "N")]
    pub attribute_verify_limit: Option<u32>,
    /// The window of those limits, in seconds [default: 3600].
    #[arg(long, env = "COGNATE_ATTRIBUTE_LIMIT_WINDOW_SECS", value_name = "SECS")]
    pub attribute_limit_window_secs: Option<u64>,
    /// Request-rate quotas: `off` or `aws` (the service's default rates per category; a custom
    /// table can be given in the config file) [default: off].
    #[arg(long, env = "COGNATE_QUOTAS", value_name = "off|aws")]
    pub quotas: Option<String>,
    /// Token issuer: `public-url` (`{public_url}/{poolId}`) or `aws`
    /// (`https://cognito-idp.{region}.amazonaws.com/{poolId}`) [default: public-url].
    #[arg(long, env = "COGNATE_TOKEN_ISSUER", value_name = "STYLE")]
    pub token_issuer: Option<String>,
}

/// The configuration file. Every key is optional; unknown keys are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Address to listen on.
    pub listen: Option<String>,
    /// Directory of the SQLite database and other local state.
    pub data_dir: Option<PathBuf>,
    /// The database (`[database]`).
    pub database: Option<DatabaseFile>,
    /// Who may call the signed operations (`[auth]`).
    pub auth: Option<AuthFile>,
    /// Keys (`[keys]`).
    pub keys: Option<KeysFile>,
    /// AWS region used in pool ids and ARNs.
    pub region: Option<String>,
    /// Public base URL, used for token issuers.
    pub public_url: Option<String>,
    /// Account id used in ARNs.
    pub account_id: Option<String>,
    /// Log filter.
    pub log: Option<String>,
    /// Serve the development messages API.
    pub dev_api: Option<bool>,
    /// Token issuer style: `public-url` or `aws`.
    pub token_issuer: Option<String>,
    /// Also serve HTTPS on this address.
    pub tls_listen: Option<String>,
    /// Lambda Invoke API endpoint for triggers.
    pub lambda_endpoint: Option<String>,
    /// Trigger timeout in milliseconds.
    pub lambda_timeout_ms: Option<u64>,
    /// How long a client may take to send a request's headers, and then its body.
    pub request_timeout_ms: Option<u64>,
    /// Access key id to sign Lambda invocations with.
    pub lambda_access_key_id: Option<String>,
    /// Secret access key for signing Lambda invocations.
    pub lambda_secret_access_key: Option<String>,
    /// Region of the Lambda functions.
    pub lambda_region: Option<String>,
    /// PEM certificate for HTTPS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    pub tls_key: Option<PathBuf>,
    /// SMTP server.
    pub smtp_host: Option<String>,
    /// SMTP port.
    pub smtp_port: Option<u16>,
    /// SMTP security: starttls, tls or none.
    pub smtp_security: Option<String>,
    /// SMTP user name.
    pub smtp_username: Option<String>,
    /// SMTP password.
    pub smtp_password: Option<String>,
    /// Default email sender.
    pub smtp_from: Option<String>,
    /// SMS webhook URL.
    pub sms_webhook_url: Option<String>,
    /// SMS webhook signing secret.
    pub sms_webhook_secret: Option<String>,
    /// Refuse codes on a medium without a channel.
    pub require_delivery_channels: Option<bool>,
    /// Request-rate quotas: "off", "aws", or a table of category = requests per second.
    pub quotas: Option<QuotaFile>,
    /// GetUserAttributeVerificationCode calls per user per window.
    pub attribute_code_limit: Option<u32>,
    /// VerifyUserAttribute calls per user per window.
    pub attribute_verify_limit: Option<u32>,
    /// The window of those limits, in seconds.
    pub attribute_limit_window_secs: Option<u64>,
}

/// `[database]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseFile {
    /// `sqlite://PATH` or `postgres://…`.
    pub url: Option<String>,
    /// The most connections this instance opens.
    pub pool_size: Option<u32>,
    /// Power-loss-safe SQLite commits.
    pub durable: Option<bool>,
}

/// `[keys]` in the file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysFile {
    /// The key-encryption key, 32 bytes in base64.
    pub kek: Option<String>,
}

impl std::fmt::Debug for KeysFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeysFile").finish_non_exhaustive()
    }
}

/// `[auth]` in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthFile {
    /// `[[auth.credentials]]`: access keys whose signatures the signed operations accept.
    #[serde(default)]
    pub credentials: Vec<CredentialFile>,
    /// Listen on a non-loopback address without credentials.
    pub allow_unauthenticated_admin: Option<bool>,
}

/// One `[[auth.credentials]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialFile {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for CredentialFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialFile").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// `quotas` in the file: a word or a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum QuotaFile {
    /// `"off"` or `"aws"`.
    Word(String),
    /// Category name → requests per second.
    Table(std::collections::HashMap<String, u32>),
}

/// The quotas in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum QuotaSetting {
    /// No rate limits.
    #[default]
    Off,
    /// The service's default rates.
    Aws,
    /// Custom rates per category (others unlimited).
    Custom(std::collections::HashMap<String, u32>),
}

/// A secret that never prints.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub security: String,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, Secret)>,
}

/// Where SMS go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsWebhookSettings {
    /// The URL messages are POSTed to.
    pub url: String,
    /// The HMAC secret.
    pub secret: Secret,
}

/// The validated settings the server runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Directory of the SQLite database and other local state.
    pub data_dir: PathBuf,
    /// The database URL; `None`: `sqlite://<data_dir>/cognate.db`.
    pub database_url: Option<Secret>,
    /// The most database connections; `None`: the backend's default.
    pub database_pool_size: Option<u32>,
    /// Power-loss-safe SQLite commits.
    pub database_durable: bool,
    /// AWS region.
    pub region: String,
    /// Public base URL; `None` means `http://<bound address>`.
    pub public_url: Option<String>,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Log filter.
    pub log: String,
    /// Serve the development messages API; `None`: only when listening on loopback.
    pub dev_api: Option<bool>,
    /// Access keys whose SigV4 signatures the signed operations accept; none: development mode.
    pub admin_credentials: Vec<(String, Secret)>,
    /// Listen beyond loopback although `admin_credentials` is empty.
    pub allow_unauthenticated_admin: bool,
    /// The key-encryption key (base64); `None`: the one in `<data_dir>/kek`, made if missing.
    pub key_encryption_key: Option<Secret>,
    /// Issue tokens with the AWS issuer form instead of `{public_url}/{poolId}`.
    pub aws_issuer: bool,
    /// Also serve HTTPS here.
    pub tls_listen: Option<SocketAddr>,
    /// PEM certificate for HTTPS (with `tls_key`); a development certificate when absent.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    pub tls_key: Option<PathBuf>,
    /// Lambda Invoke API endpoint for triggers.
    pub lambda_endpoint: Option<String>,
    /// Trigger timeout in milliseconds.
    pub lambda_timeout_ms: u64,
    /// How long a client may take to send a request's headers, and then its body, in ms.
    pub request_timeout_ms: u64,
    /// Credentials and region (the server's when `None`) to sign Lambda invocations with.
    pub lambda_signing: Option<(String, Secret, Option<String>)>,
    /// Email over SMTP; the console when `None`.
    pub smtp: Option<SmtpSettings>,
    /// Sender of emails whose pool names none.
    pub smtp_from: String,
    /// SMS over a webhook; the console when `None`.
    pub sms_webhook: Option<SmsWebhookSettings>,
    /// Refuse codes on a medium without a channel.
    pub require_delivery_channels: bool,
    /// Request-rate quotas.
    pub quotas: QuotaSetting,
    /// Per-user limits of attribute verification.
    pub limits: cognate_core::Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9229)),
            data_dir: PathBuf::from("./.cognate"),
            database_url: None,
            database_pool_size: None,
            database_durable: false,
            region: "us-east-1".into(),
            public_url: None,
            account_id: "000000000000".into(),
            log: "info".into(),
            dev_api: None,
            admin_credentials: Vec::new(),
            allow_unauthenticated_admin: false,
            key_encryption_key: None,
            aws_issuer: false,
            tls_listen: None,
            tls_cert: None,
            tls_key: None,
            lambda_endpoint: None,
            lambda_timeout_ms: 5000,
            request_timeout_ms: 10_000,
            lambda_signing: None,
            smtp: None,
            smtp_from: "no-reply@verificationemail.com".into(),
            sms_webhook: None,
            require_delivery_channels: false,
            quotas: QuotaSetting::Off,
            limits: cognate_core::Limits::default(),
        }
    }
}

impl Settings {
    /// Resolves the layers: flags and environment (already merged by clap) over the file over
    /// the defaults, then validates.
    pub fn resolve(args: ServeArgs) -> Result<Self> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let d = Settings::default();
        let listen = match (args.listen, file.listen) {
            (Some(a), _) => a,
            (None, Some(s)) => s.parse().with_context(|| format!("invalid listen address {s:?} in the config file"))?,
            (None, None) => d.listen,
        };
        let tls_listen = match (args.tls_listen, file.tls_listen) {
            (Some(a), _) => Some(a),
            (None, Some(s)) => {
                Some(s.parse().with_context(|| format!("invalid tls_listen address {s:?} in the config file"))?)
            }
            (None, None) => None,
        };
        let database = file.database.unwrap_or_default();
        let auth = file.auth.unwrap_or_default();
        let mut admin_credentials: Vec<(String, Secret)> =
            auth.credentials.into_iter().map(|c| (c.access_key_id, Secret(c.secret_access_key))).collect();
        match (args.admin_access_key_id, args.admin_secret_access_key) {
            (Some(k), Some(s)) => admin_credentials.push((k, Secret(s))),
            (None, None) => {}
            _ => bail!("admin_access_key_id and admin_secret_access_key must be given together"),
        }
        let settings = Settings {
            listen,
            data_dir: args.data_dir.or(file.data_dir).unwrap_or(d.data_dir),
            database_url: args.database_url.or(database.url).map(Secret),
            database_pool_size: args.database_pool_size.or(database.pool_size),
            database_durable: args.database_durable.or(database.durable).unwrap_or(false),
            region: args.region.or(file.region).unwrap_or(d.region),
            public_url: args.public_url.or(file.public_url),
            account_id: args.account_id.or(file.account_id).unwrap_or(d.account_id),
            log: args.log.or(file.log).unwrap_or(d.log),
            dev_api: args.dev_api.or(file.dev_api),
            admin_credentials,
            key_encryption_key: args.key_encryption_key.or(file.keys.unwrap_or_default().kek).map(Secret),
            allow_unauthenticated_admin: args
                .allow_unauthenticated_admin
                .or(auth.allow_unauthenticated_admin)
                .unwrap_or(false),
            aws_issuer: match args.token_issuer.or(file.token_issuer).as_deref() {
                None | Some("public-url") => false,
                Some("aws") => true,
                Some(other) => bail!("invalid token issuer {other:?}: expected public-url or aws"),
            },
            tls_listen,
            tls_cert: args.tls_cert.or(file.tls_cert),
            tls_key: args.tls_key.or(file.tls_key),
            lambda_endpoint: args.lambda_endpoint.or(file.lambda_endpoint),
            lambda_timeout_ms: args.lambda_timeout_ms.or(file.lambda_timeout_ms).unwrap_or(d.lambda_timeout_ms),
            request_timeout_ms: match args
                .request_timeout_ms
                .or(file.request_timeout_ms)
                .unwrap_or(d.request_timeout_ms)
            {
                0 => bail!("invalid request timeout 0: expected a number of milliseconds above 0"),
                ms => ms,
            },
            lambda_signing: match (
                args.lambda_access_key_id.or(file.lambda_access_key_id),
                args.lambda_secret_access_key.or(file.lambda_secret_access_key),
            ) {
                (Some(k), Some(s)) => Some((k, Secret(s), args.lambda_region.or(file.lambda_region))),
                (None, None) => None,
                _ => bail!("lambda_access_key_id and lambda_secret_access_key must be given together"),
            },
            smtp: match args.smtp_host.or(file.smtp_host) {
                None => None,
                Some(host) => {
                    let security = args.smtp_security.or(file.smtp_security).unwrap_or_else(|| "starttls".into());
                    let default_port = match security.as_str() {
                        "tls" => 465,
                        "none" => 25,
                        _ => 587,
                    };
                    let credentials =
                        match (args.smtp_username.or(file.smtp_username), args.smtp_password.or(file.smtp_password)) {
                            (Some(u), Some(p)) => Some((u, Secret(p))),
                            (None, None) => None,
                            _ => bail!("smtp_username and smtp_password must be given together"),
                        };
                    Some(SmtpSettings {
                        host,
                        port: args.smtp_port.or(file.smtp_port).unwrap_or(default_port),
                        security,
                        credentials,
                    })
                }
            },
            smtp_from: args.smtp_from.or(file.smtp_from).unwrap_or(d.smtp_from),
            sms_webhook: match (
                args.sms_webhook_url.or(file.sms_webhook_url),
                args.sms_webhook_secret.or(file.sms_webhook_secret),
            ) {
                (Some(url), Some(secret)) => Some(SmsWebhookSettings { url, secret: Secret(secret) }),
                (None, None) => None,
                _ => bail!("sms_webhook_url and sms_webhook_secret must be given together"),
            },
            require_delivery_channels: args
                .require_delivery_channels
                .or(file.require_delivery_channels)
                .unwrap_or(false),
            limits: {
                let window = args.attribute_limit_window_secs.or(file.attribute_limit_window_secs).unwrap_or(3600);
                let window_millis = i64::try_from(window.saturating_mul(1000)).unwrap_or(i64::MAX);
                cognate_core::Limits {
                    get_code: cognate_core::Limit {
                        max: args.attribute_code_limit.or(file.attribute_code_limit).unwrap_or(d.limits.get_code.max),
                        window_millis,
                    },
                    verify: cognate_core::Limit {
                        max: args.attribute_verify_limit.or(file.attribute_verify_limit).unwrap_or(d.limits.verify.max),
                        window_millis,
                    },
                }
            },
            quotas: match args.quotas.map(QuotaFile::Word).or(file.quotas) {
                None => QuotaSetting::Off,
                Some(QuotaFile::Word(w)) if w == "off" => QuotaSetting::Off,
                Some(QuotaFile::Word(w)) if w == "aws" => QuotaSetting::Aws,
                Some(QuotaFile::Word(w)) => bail!("invalid quotas {w:?}: expected off, aws or a table of rates"),
                Some(QuotaFile::Table(t)) => {
                    let known: Vec<&str> = crate::protocol::quotas::categories().into_iter().map(|(n, _)| n).collect();
                    if let Some(bad) = t.keys().find(|k| !known.contains(&k.as_str())) {
                        bail!("unknown quota category {bad:?}: expected one of {}", known.join(", "));
                    }
                    QuotaSetting::Custom(t)
                }
            },
        };
        if settings.tls_cert.is_some() != settings.tls_key.is_some() {
            bail!("tls_cert and tls_key must be given together");
        }
        settings.validate()?;
        settings.check_exposure()?;
        Ok(settings)
    }

    /// Checks values the types do not.
    pub fn validate(&self) -> Result<()> {
        let region_ok = {
            let parts: Vec<&str> = self.region.split('-').collect();
            parts.len() >= 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
                && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        };
        if !region_ok {
            bail!("invalid region {:?}: expected a region name such as us-east-1", self.region);
        }
        if self.account_id.len() != 12 || !self.account_id.chars().all(|c| c.is_ascii_digit()) {
            bail!("invalid account id {:?}: expected 12 digits", self.account_id);
        }
        if let Some(url) = &self.public_url {
            let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                bail!("invalid public URL {url:?}: expected http://HOST[:PORT] or https://HOST[:PORT]");
            }
        }
        if let Some(url) = &self.database_url {
            if cognate_store::Backend::of(&url.0).is_none() {
                bail!("invalid database URL: expected sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB");
            }
        }
        for (key, secret) in &self.admin_credentials {
            if key.is_empty() || secret.0.is_empty() {
                bail!("invalid admin credentials: the access key id and the secret must not be empty");
            }
        }
        if let Some(kek) = &self.key_encryption_key {
            crate::keys::decode_kek(&kek.0)?;
        }
        if self.database_pool_size == Some(0) {
            bail!("invalid database pool size 0: expected at least 1");
        }
        if let Some(smtp) = &self.smtp {
            if !matches!(smtp.security.as_str(), "starttls" | "tls" | "none") {
                bail!("invalid SMTP security {:?}: expected starttls, tls or none", smtp.security);
            }
        }
        if let Some(w) = &self.sms_webhook {
            if !(w.url.starts_with("http://") || w.url.starts_with("https://")) {
                bail!("invalid SMS webhook URL {:?}", w.url);
            }
        }
        if let Some(url) = &self.lambda_endpoint {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("invalid Lambda endpoint {url:?}: expected http://HOST[:PORT] or https://…");
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .with_context(|| format!("invalid log filter {:?}", self.log))?;
        Ok(())
    }

    /// Refuses to serve unsigned admin operations beyond loopback unless told to.
    pub fn check_exposure(&self) -> Result<()> {
        if self.admin_credentials.is_empty() && !self.allow_unauthenticated_admin {
            for addr in std::iter::once(self.listen).chain(self.tls_listen) {
                if !addr.ip().is_loopback() {
                    bail!(
                        "refusing to listen on {addr} without admin credentials: anyone who can reach it could \
                     call the admin operations (AdminCreateUser, AdminSetUserPassword, DeleteUserPool, …) and \
                     read the development messages API. Configure [[auth.credentials]] in the config file (or \
                     COGNATE_ADMIN_ACCESS_KEY_ID and COGNATE_ADMIN_SECRET_ACCESS_KEY) so that they must be \
                     signed, or pass --allow-unauthenticated-admin if a network boundary you trust guards \
                     this address."
                    );
                }
            }
        }
        Ok(())
    }

    /// The base of token issuers (`{base}/{poolId}`) once the address is bound.
    pub fn issuer_base(&self, bound: SocketAddr) -> String {
        if self.aws_issuer {
            format!("https://cognito-idp.{}.amazonaws.com", self.region)
        } else {
            self.public_url_for(bound)
        }
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.0.clone(),
            None => format!("sqlite://{}", self.data_dir.join("cognate.db").display()),
        }
    }

    /// The public base URL once the address is bound.
    pub fn public_url_for(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}")).trim_end_matches('/').to_string()
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(content: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cognate.toml");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let (_d, path) = file("region = \"eu-west-1\"\nlisten = \"127.0.0.1:7000\"\n");
        let args =
            ServeArgs { config: Some(path), listen: Some("127.0.0.1:8000".parse().unwrap()), ..Default::default() };
        let s = Settings::resolve(args).unwrap();
        assert_eq!(s.listen.port(), 8000);
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.account_id, "000000000000");
    }

    #[test]
    fn quotas_are_off_aws_or_a_table_of_known_categories() {
        let (_d, path) = file("quotas = { UserRead = 5 }\n");
        let s = Settings::resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap();
        assert_eq!(s.quotas, QuotaSetting::Custom([("UserRead".to_string(), 5)].into_iter().collect()));
        let s = Settings::resolve(ServeArgs { quotas: Some("aws".into()), ..Default::default() }).unwrap();
        assert_eq!(s.quotas, QuotaSetting::Aws);
        assert_eq!(Settings::resolve(ServeArgs::default()).unwrap().quotas, QuotaSetting::Off);
        let (_d, path) = file("quotas = { UserReed = 5 }\n");
        let err = Settings::resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("unknown quota category"), "{err:#}");
    }

    #[test]
    fn admin_credentials_come_from_the_file_and_the_environment_and_never_print() {
        let (_d, path) = file(
            "[auth]\nallow_unauthenticated_admin = false\n\n[[auth.credentials]]\naccess_key_id = \"AKIDONE\"\n\
             secret_access_key = \"secret-one\"\n\n[[auth.credentials]]\naccess_key_id = \"AKIDTWO\"\n\
             secret_access_key = \"secret-two\"\n",
        );
        let s = Settings::resolve(ServeArgs {
            config: Some(path),
            admin_access_key_id: Some("AKIDTHREE".into()),
            admin_secret_access_key: Some("secret-three".into()),
            ..Default::default()
        })
        .unwrap();
        let keys: Vec<&str> = s.admin_credentials.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["AKIDONE", "AKIDTWO", "AKIDTHREE"]);
        assert_eq!(s.admin_credentials[2].1 .0, "secret-three");
        let printed = format!("{s:?}");
        assert!(!printed.contains("secret-"), "{printed}");
        let err = Settings::resolve(ServeArgs { admin_access_key_id: Some("AKID".into()), ..Default::default() })
            .unwrap_err();
        assert!(format!("{err:#}").contains("must be given together"), "{err:#}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let (_d, path) = file("regoin = \"eu-west-1\"\n");
        let err = Settings::resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field `regoin`"), "{err:#}");
        let err = Settings::resolve(ServeArgs { region: Some("mars".into()), ..Default::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("invalid region"), "{err:#}");
        let err =
            Settings::resolve(ServeArgs { public_url: Some("ftp://x".into()), ..Default::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("invalid public URL"), "{err:#}");
    }

    #[test]
    fn the_database_comes_from_the_flag_or_the_file_and_defaults_to_sqlite_in_the_data_dir() {
        let s = Settings::resolve(ServeArgs { data_dir: Some("/srv/c".into()), ..Default::default() }).unwrap();
        assert_eq!(s.database_url(), "sqlite:///srv/c/cognate.db");
        let (_d, path) = file("[database]\nurl = \"postgres://u:pw@db:5432/cognate\"\npool_size = 4\ndurable = true\n");
        let s = Settings::resolve(ServeArgs { config: Some(path.clone()), ..Default::default() }).unwrap();
        assert!(s.database_durable);
        assert_eq!((s.database_url().as_str(), s.database_pool_size), ("postgres://u:pw@db:5432/cognate", Some(4)));
        assert!(!format!("{s:?}").contains("pw@"), "the URL may hold a password: never printed");
        let flag = ServeArgs {
            config: Some(path),
            database_url: Some("sqlite:///tmp/x.db".into()),
            database_pool_size: Some(2),
            ..Default::default()
        };
        let s = Settings::resolve(flag).unwrap();
        assert_eq!((s.database_url().as_str(), s.database_pool_size), ("sqlite:///tmp/x.db", Some(2)));

        let bad = ServeArgs { database_url: Some("mysql://x".into()), ..Default::default() };
        assert!(format!("{:#}", Settings::resolve(bad).unwrap_err()).contains("invalid database URL"));
        let (_d, path) = file("[database]\nurll = \"x\"\n");
        let err = Settings::resolve(ServeArgs { config: Some(path), ..Default::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field `urll`"), "{err:#}");
        let zero = ServeArgs { database_pool_size: Some(0), ..Default::default() };
        assert!(Settings::resolve(zero).is_err());
    }
}
