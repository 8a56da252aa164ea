//! Authorisation of signed operations with AWS Signature Version 4.
//!
//! The model marks which operations need a signature (`Operation::requires_sigv4`): every
//! `Admin*` operation, the pool, client and group operations, ListUsers and the like. With
//! credentials configured, such a request must carry an `Authorization` header signed with one
//! of them for the service `cognito-idp` in the server's region, dated within 15 minutes.
//! Unsigned operations (SignUp, InitiateAuth, the access-token operations) ignore any
//! `Authorization` header, as the real service does. With no credentials configured
//! (development mode) any signature, or none, is accepted.
//!
//! The canonical request and the string to sign are built here from the headers the client
//! says it signed; key derivation and the HMAC come from `aws-sigv4`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, Uri};
use cognate_model::{ErrorCode, Operation, ServiceError};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::Secret;

/// The signing name of the service.
pub const SERVICE: &str = "cognito-idp";
/// How far a request's date may be from the server's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// How signed operations are authorised.
#[derive(Debug, Clone, Default)]
pub enum SigV4Mode {
    /// Development mode: any signature, or none, is accepted.
    #[default]
    AcceptAny,
    /// Signatures are verified against these credentials.
    Verify(Verifier),
}

/// Access keys and the region signatures must be scoped to.
#[derive(Debug, Clone)]
pub struct Verifier {
    region: String,
    secrets: HashMap<String, Secret>,
}

impl Verifier {
    /// A verifier for `region` knowing these `(access key id, secret access key)` pairs.
    pub fn new(region: &str, credentials: &[(String, Secret)]) -> Self {
        Self { region: region.to_string(), secrets: credentials.iter().cloned().collect() }
    }
}

/// The parts of a request a signature covers.
pub struct SignedRequest<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl SigV4Mode {
    /// Whether signatures are checked.
    pub fn verifies(&self) -> bool {
        matches!(self, SigV4Mode::Verify(_))
    }

    /// Decides whether a request may call `op`.
    pub fn authorize(&self, op: Operation, request: &SignedRequest<'_>, now: SystemTime) -> Result<(), ServiceError> {
        match self {
            SigV4Mode::Verify(v) if op.requires_sigv4() => v.verify(request, now),
            // Unsigned operations ignore any Authorization header, as the real service does;
            // in development mode signed ones do too.
            _ => Ok(()),
        }
    }

    /// Decides whether a request to the development messages API may be served: signed like
    /// an operation when credentials are configured.
    pub fn authorize_any(&self, request: &SignedRequest<'_>, now: SystemTime) -> Result<(), ServiceError> {
        match self {
            SigV4Mode::Verify(v) => v.verify(request, now),
            SigV4Mode::AcceptAny => Ok(()),
        }
    }
}

fn invalid_signature(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::InvalidSignatureException, message.into())
}

fn incomplete(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::IncompleteSignatureException, message.into())
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, ServiceError> {
    let Some(rest) = value.strip_prefix(ALGORITHM).filter(|r| r.starts_with(' ')) else {
        return Err(incomplete(format!(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
             Only {ALGORITHM} is supported as the signing algorithm."
        )));
    };
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    let missing = |what: &str| {
        incomplete(format!(
            "Authorization header requires '{what}' parameter. Authorization={}",
            value.split(", Signature=").next().unwrap_or(value)
        ))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    if terminator != "aws4_request" {
        return Err(invalid_signature(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )));
    }
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

/// `20240102T030405Z` → the time it names.
fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let t = time::PrimitiveDateTime::parse(
        s,
        time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .ok()?;
    let secs = u64::try_from(t.assume_utc().unix_timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

fn format_amz_date(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z")).unwrap_or_default()
}

impl Verifier {
    fn verify(&self, r: &SignedRequest<'_>, now: SystemTime) -> Result<(), ServiceError> {
        let Some(header) = r.headers.get("authorization") else {
            return Err(ServiceError::new(
                ErrorCode::MissingAuthenticationTokenException,
                "Missing Authentication Token",
            ));
        };
        let header = header.to_str().map_err(|_| incomplete("The Authorization header is not valid ASCII."))?;
        let auth = parse_authorization(header)?;

        let amz_date = r.headers.get("x-amz-date").and_then(|v| v.to_str().ok()).ok_or_else(|| {
            incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        })?;
        let signed_at = parse_amz_date(amz_date)
            .ok_or_else(|| incomplete(format!("Date must be in ISO-8601 'basic format'. Got '{amz_date}'.")))?;
        if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
            return Err(invalid_signature(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
                auth.date,
                &amz_date[..amz_date.len().min(8)]
            )));
        }
        if auth.service != SERVICE {
            return Err(invalid_signature(format!("Credential should be scoped to correct service: '{SERVICE}'. ")));
        }
        if auth.region != self.region {
            return Err(invalid_signature(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                auth.region
            )));
        }
        let Some(secret) = self.secrets.get(auth.access_key_id) else {
            return Err(ServiceError::new(
                ErrorCode::UnrecognizedClientException,
                "The security token included in the request is invalid.",
            ));
        };
        if signed_at + MAX_SKEW < now {
            return Err(invalid_signature(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                format_amz_date(now - MAX_SKEW),
                format_amz_date(now)
            )));
        }
        if signed_at > now + MAX_SKEW {
            return Err(invalid_signature(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                format_amz_date(now + MAX_SKEW),
                format_amz_date(now)
            )));
        }
        if !auth.signed_headers.contains(&"host") {
            return Err(invalid_signature("'Host' must be a 'SignedHeader' in the AWS Authorization."));
        }

        let canonical = canonical_request(r, &auth.signed_headers);
        let scope = format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service);
        let string_to_sign =
            format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
        let key = aws_sigv4::sign::v4::generate_signing_key(&secret.0, signed_at, auth.region, auth.service);
        let expected = aws_sigv4::sign::v4::calculate_signature(key, string_to_sign.as_bytes());
        if expected.as_bytes().ct_eq(auth.signature.as_bytes()).into() {
            Ok(())
        } else {
            Err(invalid_signature(
                "The request signature we calculated does not match the signature you provided. Check your AWS \
                 Secret Access Key and signing method. Consult the service documentation for details.",
            ))
        }
    }
}

/// The canonical request of SigV4: method, path, query, the signed headers, the payload hash.
fn canonical_request(r: &SignedRequest<'_>, signed_headers: &[&str]) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(r.method.as_str());
    out.push('\n');
    out.push_str(&canonical_path(r.uri.path()));
    out.push('\n');
    out.push_str(&canonical_query(r.uri.query().unwrap_or("")));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        let values: Vec<String> =
            r.headers.get_all(*name).iter().map(|v| collapse_spaces(&String::from_utf8_lossy(v.as_bytes()))).collect();
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex(&Sha256::digest(r.body)));
    out
}

fn collapse_spaces(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each path segment URI-encoded (twice, as every service but S3 does: once by the client's
/// HTTP layer, once by the signer).
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/').map(|segment| uri_encode(&uri_encode(&percent_decode(segment)))).collect::<Vec<_>>().join("/")
}

fn canonical_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(k)), uri_encode(&percent_decode(v)))
        })
        .collect();
    pairs.sort();
    pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
