//! Cognito's SRP-6a variant (USER_SRP_AUTH): the server's math, and a client for tests.
//!
//! The group is the 3072-bit MODP prime of RFC 3526 §4 with g = 2, and H is SHA-256. Everything
//! is byte-compatible with the public clients (amazon-cognito-identity-js `AuthenticationHelper`,
//! Amplify v6 `utils/srp`, pycognito `aws_srp`), which hash numbers in the `PAD` form of
//! [`pad_hex`] (Java `BigInteger.toByteArray`: minimal big-endian bytes plus a `00` byte when the
//! top bit is set; never padded to the length of N):
//!
//! - k = H(PAD(N) ‖ PAD(g)); x = H(PAD(salt) ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password));
//!   v = g^x mod N is what the store keeps, next to a random 16-byte salt.
//! - Step 1: the client sends A = g^a; the server answers B = (k·v + g^b) mod N, the salt and a
//!   secret block.
//! - Step 2: u = H(PAD(A) ‖ PAD(B)); the server's S = (A·v^u)^b mod N equals the client's
//!   (B − k·g^x)^(a + u·x). K = HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info = "Caldera Derived
//!   Key"), 16 bytes, and the client proves it knows K with PASSWORD_CLAIM_SIGNATURE =
//!   HMAC-SHA256(K, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp).
//!
//! Conventions the callers must keep:
//! - The SALT challenge parameter is the hex of the salt *as an integer* ([`salt_hex`]), not the
//!   hex of its 16 bytes: pycognito pads the SALT string as it is, the JS clients parse it to a
//!   number first, and the two only agree when it has no leading zero byte.
//! - The HKDF salt is PAD(u as an integer), as Amplify v6 and pycognito compute it. It differs from
//!   u's raw 32-byte hash when that hash starts with a `00` byte followed by a nibble below 8 (1 in
//!   512 sign-ins); a test vector covers that case.
//!
//! Exponentiation runs on AWS-LC's constant-time Montgomery code (`cognate-modexp`): its timing
//! does not depend on the secret exponents (b, a, x) or on the verifier, only on their lengths.
//! The rest of the arithmetic (k·v + g^b, A·v^u, the reductions) is num-bigint's.
//!
//! Limitations:
//! - Each call that exponentiates ([`compute_verifier`], [`server_challenge`], [`session_key`],
//!   [`Client::new`], [`Client::process_challenge`]) costs milliseconds of CPU: async callers run
//!   them off the executor (`tokio::task::spawn_blocking`).

use std::fmt;
use std::sync::LazyLock;

use aws_lc_rs::{digest, hmac};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use num_bigint::BigUint;
use num_traits::Zero;
use subtle::ConstantTimeEq;

/// The 3072-bit MODP prime of RFC 3526 §4, as the Cognito clients spell it.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The length of the session key K, in bytes.
pub const KEY_LEN: usize = 16;

/// The HKDF info string; the expand step appends the block counter 0x01.
const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// Longest hex accepted for SRP_A, SRP_B and SALT. N is 768 digits; the slack admits leading
/// zeros, and the cap keeps a hostile client from making the server parse megabytes.
const MAX_HEX_LEN: usize = 1024;

// N_HEX is a valid hex literal (a test checks it has 3072 bits), so the fallback to zero is
// unreachable; it only keeps the lint-free code from needing `expect`.
static N: LazyLock<BigUint> = LazyLock::new(|| BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default());
static G: LazyLock<BigUint> = LazyLock::new(|| BigUint::from(2u32));
static K: LazyLock<BigUint> = LazyLock::new(|| hash_to_int(&[&pad_bytes(n()), &pad_bytes(g())]));
static GROUP: LazyLock<Option<cognate_modexp::Modulus>> =
    LazyLock::new(|| cognate_modexp::Modulus::new(&n().to_bytes_be()));

/// `base^exp mod N` in constant time (see the module notes). The base is reduced first if it is
/// not already below N.
fn pow_mod_n(base: &BigUint, exp: &BigUint) -> BigUint {
    let reduced;
    let base = if base < n() {
        base
    } else {
        reduced = base % n();
        &reduced
    };
    match GROUP.as_ref().and_then(|group| group.pow(&base.to_bytes_be(), &exp.to_bytes_be())) {
        Some(bytes) => BigUint::from_bytes_be(&bytes),
        // Only if AWS-LC could not allocate: the same value, computed without the timing guarantee.
        None => base.modpow(exp, n()),
    }
}

/// The group's prime N.
pub fn n() -> &'static BigUint {
    &N
}

/// The group's generator g = 2.
pub fn g() -> &'static BigUint {
    &G
}

/// The multiplier k = H(PAD(N) ‖ PAD(g)).
pub fn k() -> &'static BigUint {
    &K
}

/// `PAD(x)` as the clients write it: lowercase hex, a `0` prepended to reach even length, then
/// `00` prepended if the first digit is 8–f (so the bytes read as a positive Java `BigInteger`).
pub fn pad_hex(x: &BigUint) -> String {
    let hex = x.to_str_radix(16);
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else if hex.as_bytes().first().is_some_and(|c| matches!(c, b'8'..=b'9' | b'a'..=b'f')) {
        format!("00{hex}")
    } else {
        hex
    }
}

/// The bytes that `pad_hex(x)` decodes to; the hashes take these, so no hex round trip is needed.
fn pad_bytes(x: &BigUint) -> Vec<u8> {
    // `to_bytes_be` is already minimal (and `[0]` for zero), which is the even-length step.
    let bytes = x.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

/// The pool name the SRP hashes use: the part of the user pool id after its `_`
/// (`us-east-1_AbCdEf123` → `AbCdEf123`). Like the clients (`split('_')[1]`), it stops at a second
/// `_`; an id without one is returned whole.
pub fn pool_name(user_pool_id: &str) -> &str {
    user_pool_id.split('_').nth(1).unwrap_or(user_pool_id)
}

/// The SALT challenge parameter for a stored salt: the lowercase hex of the salt as an integer,
/// without leading zeros (see the module doc for why not the hex of the bytes).
pub fn salt_hex(salt: &[u8]) -> String {
    BigUint::from_bytes_be(salt).to_str_radix(16)
}

fn sha256(parts: &[&[u8]]) -> digest::Digest {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for part in parts {
        ctx.update(part);
    }
    ctx.finish()
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(sha256(parts).as_ref())
}

/// x = H(PAD(salt) ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password)).
fn private_x(pool_name: &str, user_id_for_srp: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = sha256(&[pool_name.as_bytes(), user_id_for_srp.as_bytes(), b":", password.as_bytes()]);
    hash_to_int(&[&pad_bytes(salt), inner.as_ref()])
}

/// u = H(PAD(A) ‖ PAD(B)).
fn scrambler(a_pub: &BigUint, big_b: &BigUint) -> BigUint {
    hash_to_int(&[&pad_bytes(a_pub), &pad_bytes(big_b)])
}

/// K = HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info = "Caldera Derived Key"), first 16 bytes.
fn derive_key(u: &BigUint, s: &BigUint) -> [u8; KEY_LEN] {
    let prk = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &pad_bytes(u)), &pad_bytes(s));
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref()));
    ctx.update(HKDF_INFO);
    ctx.update(&[1]);
    let okm = ctx.sign();
    let mut key = [0u8; KEY_LEN];
    key.copy_from_slice(&okm.as_ref()[..KEY_LEN]);
    key
}

/// Parses lowercase or uppercase hex digits only: `BigUint::parse_bytes` alone would also take `_`
/// and a leading `+`, which no client sends.
fn parse_hex(s: &str) -> Option<BigUint> {
    if s.is_empty() || s.len() > MAX_HEX_LEN || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    BigUint::parse_bytes(s.as_bytes(), 16)
}

/// The verifier v = g^x mod N to store for a password, called at sign-up and on every password
/// set. `salt` is the user's 16 random bytes, read as a big-endian integer.
pub fn compute_verifier(pool_name: &str, user_id_for_srp: &str, password: &str, salt: &[u8]) -> BigUint {
    let x = private_x(pool_name, user_id_for_srp, password, &BigUint::from_bytes_be(salt));
    pow_mod_n(g(), &x)
}

/// The server's side of step 1: its secret `b` and public `B`, to keep until the client answers.
#[derive(Clone)]
pub struct ServerChallenge {
    /// The secret exponent b: never sent, never logged.
    pub b: BigUint,
    /// B = (k·v + g^b) mod N; the SRP_B challenge parameter is its hex.
    pub big_b: BigUint,
}

impl fmt::Debug for ServerChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerChallenge").field("b", &"<redacted>").field("big_b", &self.big_b).finish()
    }
}

/// Step 1 on the server: B = (k·v + g^b) mod N for the random `b_bytes` (32 is plenty). `None`
/// when b is zero or B mod N is zero; the caller draws new bytes and calls again.
pub fn server_challenge(verifier: &BigUint, b_bytes: &[u8]) -> Option<ServerChallenge> {
    let b = BigUint::from_bytes_be(b_bytes);
    if b.is_zero() {
        return None;
    }
    let big_b = (k() * verifier + pow_mod_n(g(), &b)) % n();
    if big_b.is_zero() {
        return None;
    }
    Some(ServerChallenge { b, big_b })
}

/// Parses and checks SRP_A (hex, either case, leading zeros allowed); `None` if it is malformed,
/// too long, or A mod N == 0 (which would let the client fix S without the password). The value is
/// kept as sent, not reduced mod N, because u hashes A as the client wrote it.
pub fn parse_client_public(srp_a_hex: &str) -> Option<BigUint> {
    let a_pub = parse_hex(srp_a_hex)?;
    if (&a_pub % n()).is_zero() {
        return None;
    }
    Some(a_pub)
}

/// Step 2 on the server: the 16-byte session key K from the client's A, the B and b of step 1 and
/// the stored verifier. `None` if u == 0 or A mod N == 0 (a bad A should already have been refused
/// by [`parse_client_public`]; checked again because accepting it would be fatal).
pub fn session_key(a_pub: &BigUint, big_b: &BigUint, b: &BigUint, verifier: &BigUint) -> Option<[u8; KEY_LEN]> {
    let a_mod = a_pub % n();
    if a_mod.is_zero() {
        return None;
    }
    let u = scrambler(a_pub, big_b);
    if u.is_zero() {
        return None;
    }
    let s = pow_mod_n(&(a_mod * pow_mod_n(verifier, &u) % n()), b);
    Some(derive_key(&u, &s))
}

/// The expected PASSWORD_CLAIM_SIGNATURE, raw: HMAC-SHA256(K, poolName ‖ userIdForSrp ‖
/// secretBlock ‖ timestamp). `secret_block` is the decoded SECRET_BLOCK; `timestamp` is the
/// client's TIMESTAMP exactly as sent.
pub fn claim_signature(
    key: &[u8; KEY_LEN],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, key));
    ctx.update(pool_name.as_bytes());
    ctx.update(user_id_for_srp.as_bytes());
    ctx.update(secret_block);
    ctx.update(timestamp.as_bytes());
    let tag = ctx.sign();
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Checks the client's base64 PASSWORD_CLAIM_SIGNATURE against [`claim_signature`], in constant
/// time. Malformed base64 or a wrong length is simply a mismatch.
pub fn verify_claim(
    key: &[u8; KEY_LEN],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
    signature_b64: &str,
) -> bool {
    let Ok(given) = BASE64.decode(signature_b64.trim()) else {
        return false;
    };
    let expected = claim_signature(key, pool_name, user_id_for_srp, secret_block, timestamp);
    // ct_eq on slices of different lengths is false without comparing contents.
    bool::from(expected.as_slice().ct_eq(given.as_slice()))
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Proleptic Gregorian (year, month 1–12, day 1–31) of a day count since 1970-01-01
/// (H. Hinnant's `civil_from_days`), so that no date crate is needed for one format.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is in 1..=31 and month in 1..=12 by construction, so the casts cannot truncate.
    (year, month as u32, day as u32)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of `civil_from_days`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Formats a TIMESTAMP the way the clients do (Java `EEE MMM d HH:mm:ss 'UTC' yyyy`, English
/// names, UTC, day of month not zero-padded): e.g. `Thu Nov 5 09:07:03 UTC 2026`.
pub fn format_timestamp(epoch_millis: i64) -> String {
    let secs = epoch_millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 4 from Sunday).
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    let month_name = MONTHS[(month - 1) as usize];
    format!("{weekday} {month_name} {day} {:02}:{:02}:{:02} UTC {year}", sod / 3600, sod % 3600 / 60, sod % 60)
}

fn parse_number(s: &str, max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a client's TIMESTAMP back to epoch seconds, so the server can refuse stale answers.
/// Lenient where clients differ: a zero-padded day, one-digit time fields and any run of spaces
/// are accepted, and the weekday name is checked for being one but not for matching the date.
/// `None` for anything else, including dates that do not exist (Feb 30) or a zone other than UTC.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let mut fields = s.split_ascii_whitespace();
    let (weekday, month, day, time, zone, year) =
        (fields.next()?, fields.next()?, fields.next()?, fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || zone != "UTC" {
        return None;
    }
    if !WEEKDAYS.iter().any(|w| w.eq_ignore_ascii_case(weekday)) {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as u32 + 1;
    let year = i64::from(parse_number(year, 4)?);
    let day = parse_number(day, 2)?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut hms = time.split(':');
    let (h, m, sec) = (parse_number(hms.next()?, 2)?, parse_number(hms.next()?, 2)?, parse_number(hms.next()?, 2)?);
    if hms.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(sec))
}

/// The client side of USER_SRP_AUTH, for tests and benchmarks that sign in without a JS or
/// Python client. It computes exactly what the public clients compute.
#[derive(Clone)]
pub struct Client {
    a: BigUint,
    big_a: BigUint,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("a", &"<redacted>").field("big_a", &self.big_a).finish()
    }
}

impl Client {
    /// A client with the secret a = `a_bytes` mod N (the JS clients and pycognito draw 128 random
    /// bytes) and A = g^a mod N.
    pub fn new(a_bytes: &[u8]) -> Self {
        let a = BigUint::from_bytes_be(a_bytes) % n();
        let big_a = pow_mod_n(g(), &a);
        Self { a, big_a }
    }

    /// SRP_A: the lowercase hex of A, as the clients send it.
    pub fn public_hex(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// Answers a PASSWORD_VERIFIER challenge: the base64 PASSWORD_CLAIM_SIGNATURE for the given
    /// challenge parameters (SALT, SRP_B, SECRET_BLOCK as sent) and the TIMESTAMP the caller will
    /// send with it. `None` if a parameter is malformed, B mod N == 0 or u == 0, where a real
    /// client would abort too.
    #[allow(clippy::too_many_arguments)] // mirrors the challenge's parameters one to one
    pub fn process_challenge(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Option<String> {
        let big_b = parse_hex(srp_b_hex)?;
        let salt = parse_hex(salt_hex)?;
        let secret_block = BASE64.decode(secret_block_b64).ok()?;
        let b_mod = &big_b % n();
        if b_mod.is_zero() {
            return None;
        }
        let u = scrambler(&self.big_a, &big_b);
        if u.is_zero() {
            return None;
        }
        let x = private_x(pool_name, user_id_for_srp, password, &salt);
        // (B − k·g^x) mod N, kept non-negative by adding N before subtracting a value below N.
        let kgx = k() * pow_mod_n(g(), &x) % n();
        let base = (b_mod + n() - kgx) % n();
        let s = pow_mod_n(&base, &(&self.a + &u * &x));
        let key = derive_key(&u, &s);
        let signature = claim_signature(&key, pool_name, user_id_for_srp, &secret_block, timestamp);
        Some(BASE64.encode(signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_exponentiation_agrees_with_num_bigint() {
        let big = |seed: u8, blocks: usize| {
            let bytes: Vec<u8> = (0..blocks).flat_map(|i| sha256(&[&[seed, i as u8]]).as_ref().to_vec()).collect();
            BigUint::from_bytes_be(&bytes)
        };
        let bases = [g().clone(), n() - 1u32, n() + 5u32, big(1, 12), big(2, 3), BigUint::zero()];
        let exps = [BigUint::zero(), BigUint::from(1u32), big(3, 1), big(4, 5), big(5, 40)];
        for base in &bases {
            for exp in &exps {
                assert_eq!(pow_mod_n(base, exp), base.modpow(exp, n()), "{base:x} ^ {exp:x}");
            }
        }
    }

    fn hex(s: &str) -> BigUint {
        BigUint::parse_bytes(s.as_bytes(), 16).unwrap()
    }

    fn bytes(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn to_hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn group_constants() {
        assert_eq!(n().bits(), 3072);
        assert_eq!(N_HEX.len(), 768);
        assert_eq!(g(), &BigUint::from(2u32));
        assert_eq!(k().to_str_radix(16), "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6");
    }

    #[test]
    fn pad_hex_examples() {
        assert_eq!(pad_hex(&BigUint::from(0x7fu32)), "7f");
        assert_eq!(pad_hex(&BigUint::from(0x80u32)), "0080");
        assert_eq!(pad_hex(&BigUint::from(0x1u32)), "01");
        assert_eq!(pad_hex(&BigUint::from(0u32)), "00");
        assert_eq!(pad_hex(&BigUint::from(0xabcu32)), "0abc");
        assert_eq!(pad_hex(&BigUint::from(0x8abcu32)), "008abc");
        for x in [0u32, 1, 0x7f, 0x80, 0xff, 0x100, 0xabc, 0x8abc, 0x7fff_ffff, 0xffff_ffff] {
            let x = BigUint::from(x);
            assert_eq!(to_hex(&pad_bytes(&x)), pad_hex(&x));
        }
        assert_eq!(to_hex(&pad_bytes(n())), pad_hex(n()));
        assert!(pad_hex(n()).starts_with("00ffff"));
    }

    #[test]
    fn pool_name_is_after_underscore() {
        assert_eq!(pool_name("us-east-1_AbCdEf123"), "AbCdEf123");
        assert_eq!(pool_name("AbCdEf123"), "AbCdEf123");
    }

    #[test]
    fn salt_hex_drops_leading_zero_bytes() {
        assert_eq!(salt_hex(&[0x00, 0x0a, 0xbc]), "abc");
        assert_eq!(salt_hex(&[0x83, 0xd4]), "83d4");
        assert_eq!(salt_hex(&[0, 0]), "0");
    }

    /// One set of values from pycognito (see `crates/core/tests/srp_vectors/generate.py`).
    struct Vector {
        pool_id: &'static str,
        user_id_for_srp: &'static str,
        password: &'static str,
        salt: &'static str,
        salt_hex: &'static str,
        a: &'static str,
        b: &'static str,
        verifier: &'static str,
        big_a: &'static str,
        big_b: &'static str,
        u: &'static str,
        key: &'static str,
        secret_block: &'static str,
        timestamp: &'static str,
        signature: &'static str,
        wrong_password_signature: &'static str,
        epoch_secs: i64,
    }

    // Generated by pycognito 2024.5.1 through crates/core/tests/srp_vectors/generate.py.
    const VECTORS: &[Vector] = &[
        // set1: label counter 2; PAD adds 00 to: salt00, a00, b00, u00, v00, s00
        Vector {
            pool_id: "us-east-1_AbCdEf123",
            user_id_for_srp: "7d1e8a4c-2f60-4b39-9a7e-5c3d2b1a0f98",
            password: "Passw0rd!",
            salt: "83d4aee6a185a8f662932b39837d8f83",
            salt_hex: "83d4aee6a185a8f662932b39837d8f83",
            a: "2dc72fb3aae140efafe58b15b940826b50e9a1723bae8f77f16bb9775dafa0788ae9a255b47a04a20df58f1ada2326c7f1b67e0536132bf3841fee05c6be073568bd21f9afd48adff2cb0ecc2ffbe88d95eeb99d99e8604301661155fd9dac50a3e0c97519f5068a9eabf3bb2f58788fe160169254872f0258008e01495eb22e",
            b: "55b1b746c7e13ea4a6d91cb7b24420d701a9e30f1951cfc352fc37461c536610",
            verifier: "e1d7508f1f18cb66bf50ac4ba225cf8cd1516fe247f041ac874d990386535c13ebd166f701044eafd7e8d5942bbb093d63c324bcb023ee109559cc681e5224ee359565eaa419b9d428e399638d4a448edecba23c92d9788b54fad6dd44d1157851f33a864b5d414126e24a8bb8393e3d33fc35b9714ea9a7726e5ae86bff9d575f50226998f6b7c6ce4f955950d0f9005581bbeb0128d9c2b251b8780f725cb7620cda0c90e5f4f2c44c7f21b3797ca9549d57bcbaa23e443aa067dd92d269207a48a9194a294a4b9043ee95c7a6a5b284d634a68c5a4721d24e99a7ba342fc17906e8e851d45154baaae8b4ad2aaa0984078ece6c895c158e3c044dfc019ad1332264ab7141881447a7af35d37f2be592e6406168d68ecc65c1e657183a09a2b2781656c2ecc88802bfa9b69bebe1014325f266474bac9c711f5cd272bea6ec5b629bd57c10d7b9c746d11a08baa5892969d9601442e249c625bfee0a4d8d488ed46f19f087a213ead554bdb85a731426a189287ea22debf5cfeef2ccaf3920",
            big_a: "fb98516d87149ef88b299a6f7c55841e4012562509880c0ff68a330ad1b60a98f14abc4107b8fd0a7c9f507291e527668e0560d89a87420417c3e7c235d56dedce5ee4506dc5e8d86a73638a8d31a12c41f474ec1e981b55d6c845e38ee0b3bb4942c7a03c1cf8c7b3b08750fe5081cca7929d1b23b3669726024756e959ca0b7ddb0345dc4a553ea94ba804d90a028691e560b27c0a127523ff0905978933cf8ddf3b2d4dbef5d88070c6159afc9e22840e9eb4a6ac0cefd53978b8ff98bc6f24e215343665a5a970b9f1c009c66b864ce1dc334c5c06f926648ee80947d828da13d02f7d2a2bb1bdbb0bcdfbf71723c14ed4b5e9f95e184700db8804c7c892f98a5eb359dbba9ac2d40a78181828295c4c1c5d9a30dc9f27e44d489b324475ec668e5b90d692e6a775c502a97ee5c48f1ea0806c5e21969bc5f776e961f7e58581173d854d008cff436108fe8414bf857847657724cc59f122edf87a4637028ebd34aa92cff0eca0eac2ea98ed7d6e4cd64cf71dd6c3397211e44426c3adee",
            big_b: "cb1fd1ff6f12ddf7c216187ae069c5959579d8f4fbf3ccebb400c65cd0d3b5ab320b71738d03d577633db2696db12e98daaad8809223f95ed38582c5fc8107444810a09d726e197641fa6ece63db1c4e7eaea3ee3942dd12e2a786ab1872f5cae36cac826945d2bd8951aca9e9144a9a41f6147bba52e60508bd80a240ede783f11de5ae71132954991b142c485587a742cb3e4b111449e399fa23ff2df5c6fc627684a3fe5236da09770674ad9e6d68e29d80b273c7cadb5ec4deadf73ac2d5bd3648efe072028b05f5b173d30a8498f918306ec439f16a04f6d56bee7f15e6b8f69834ea9fab83ad1e69d818612e54c2d530c980f9eda7ee7ccea176eaa8b2419712066f6b53a296dc3ed2f24f25f33e47fd6bc75bde9b535cb86070c9b878610f39ecb92a5a7719862ca5951778c3f20729c60a11dffa98b80d9628891c5a18bdee8e3ec57b18c2836bfa7d508d05c49faac91c70e25bcd5dcf895db3f9f1c52e4e3ca3a5b118898883894d1a74265fbe15c6690575f71fde2d85bccef926",
            u: "bf30760c158f9c1385838bc2e0bb343c3ff972a9923b31f040af681e5a764e7d",
            key: "2889f23098ec4762072665c3f8fde0c5",
            secret_block: "0aea8ecdd03e6efd005af36be8c22e4a79835d76a6c5f1930a51f379ff757cd3203d077d9232378a0b02c2a65d15e1f6d1d3192eff4dc7eea7a3a0efca2c7b125be7fdd05fef00b688d5b6b53b6dc198450268312b84f895c27f3602f7758b8b",
            timestamp: "Thu Nov 26 11:02:38 UTC 2026",
            signature: "BaDFsbJgpGlC2m8UvxYCN952qevtGGd3cw6wklyiSUQ=",
            wrong_password_signature: "Y7LNkrR/HPnromrmxQAWWF0FPcoa1HF8E9HMiPzOoVM=",
            epoch_secs: 1_795_690_958,
        },
        // set2: label counter 32; PAD adds 00 to: none; salt hex has odd length
        Vector {
            pool_id: "eu-west-2_Zz9yX8wV7",
            user_id_for_srp: "alice",
            password: "pässwörd ✓ 密码",
            salt: "02d376ac93434f3aa7ec3d25f1bd8f00",
            salt_hex: "2d376ac93434f3aa7ec3d25f1bd8f00",
            a: "cb6cd922bc1a0a003a87eebe285f72e50ca41d1846f15d2045af9f4e8390d007eee4a80347d649d46e2687a677504bd3fd3d049a4118dc1e3f926e0f840110861cb7e2d815a8bbb4dfb7f7249dfa18648e60a302b7b24adbc9fbeea74f48db2e1b347bca3d2514f91986fc1abb032130578f489cdb267ed5cb881431dc077321",
            b: "2eb37ddffc06f82fd32cc870a825a35641dfed35ecf5340dc2103b65a9ba810b",
            verifier: "752f23af8e2e445d8529a44aab1f461330b16dd527a1be0d1458259254d1af8565c173c1aeda3c40c6bd0cc7cf8076d0abec8f4145267d774abe31d668ce272c613aee180ddfba38790927dccf63533133c7f1728eac2aa1742206420440da2a3d97fe28d54c72e26df70f97d71bc30a4a4357bf96672a1f141c0c7e315697daf3e9f8a7a74ca35a4bf5eb5129f94510c396b0bb37eca304f4d13d448882e4ac610e6c01dc67b78c514d94f2b7c6c31fa41e9c08dd771e621fc1a551d5915e7a3f8ad9aa60b0278a5f7efaffb59da2b6687ecf17db2892c924d70fe6886da277fb05952ffa36a865a0ceadd44eb16f38036f755f8fc0861467eda1ab38be008339984c9442e2bf1db10b75d557bc3e263d6aecce54ea4f0561a11e5617f502a863ac2407f7c86f59bb7ece7c83929b0e246fda231d69c123a951519f7940ce2d3726e05398e1bc00c7a8ab5a2f8ba2acefce82f308ffe66bb81e9f3a0d6a077bb6de6b0ba4043d6850ae436bf4a90930e167c76a752e2f38b6ce421f160a93e7",
            big_a: "708c20dedcca6b07acb8add3ad2b84cb9a5eb765dfe35c935a434c4ac3653493d705aa17dcdbf63bc0c44d9b49f607e5d79d1409810efef0c2473cf7ba77101c80335d7b2029c4c1c4384d0600a3619009f1be0342659ad3d99e096fcd631ef1abe3cf0cbee79ecceb98e7f3b919e166f5268939a82921b0afb0b98a870b9da14d3a87767633aac788c97cccb2ecb59c5df494ec98324a82219c62ae3312fb1c3d8726887d0eaef72d3f98a79dd44b2908a5657aa8811f873ed9fb88cf2bf8e4a13cb2584187038da0526ca9cf55c12fdc353851deb82ac65266c166ae79f16642a339c6708afd68f26ba7b6ed488e6cfdd75b68e284d8918e239de9f6df22a25505f1380295bf84acb82dc02cffa908b8f773db5f1cad5fd8d192622ec02973aa1b7e2fff468a72cd3468b11b7ff952beadadf6f84ec33d5f96a8be85af85f7fb875f38e3eda9a9cec7dfb4f382b839335296a249badefeaf319ee7f29075a3a02c743314cd4b96c9902484bc9f717ad9e070b4cebc1a49d5e9d7bc8f9f1dc5",
            big_b: "7a109dbf8bcf79dfe73e3cb086f91efbce1fc6f066fcc51bd6c36f51ca4be9f503496cc5b6f8c710fb6c3fa8b9e6f0821c532acac72d10f24ce5d4333847447e0b9301eb7bf1bee4a9d85b5b54356b36db1f6ee9f9e585428f805d84fdd60acdf0c8495ba2f983322b2cfe3b1ab9d11336644232f1e8f797cf0db6df3d3c3c33e17da1cbbbabf87287d871e0baf38d2d20a446d612e7d5568987121bb46ff88f1d3285a72c7dda3def96422c12d45a57034c04825a71130221d530b7799bb4d2c36d2189b14d76d1ce396d6a341a8b72a14e215f1ae79453f15a6c5e59c389e69e278b263385560e43510663148b8b3fc092a73f4818605080fabafc7dbd0e32479eec609f10a73a724bd7389dbfa95a9cec7524f96ee38d12f6a10e681dcf558a1201c0c91f8adbc94c9d0ee53ee1003120d142d8292114db0f89a8dbc1fa0b77a4dbc47910c0fec4a9357a21702e316da3ca11b903eb7f1eec8aa476b59753b11b6d6139fdc1e99d50b2d1adca1bfaf6bb1bafdd7a850710b90584f41db66",
            u: "31ff77dc42acaf9bd7487f08f9a6e37a1d9aa3598a8d99d855efbdbf799909a7",
            key: "4e863621bb2eae0a8a1cf548949e07d5",
            secret_block: "3e54a6fa0aa8f5502bd33aeafbb8c8c4eeabe887deace0ef2e97d65b51e2572fe4ed7069f8e0f6f7f285451815bf30ba85912f19ca0fc4c281a39ac17e7075e706810eaba3637c2ba7a29a7fdadc9290fbfb1d1516753a3f430457d02c06bf80",
            timestamp: "Thu Nov 5 09:07:03 UTC 2026",
            signature: "Y0Iq43BCd0ef5jZK+JHNp7NtLmg9q3YZhNPBNwlM53M=",
            wrong_password_signature: "RSJ7hrSgojhL5pXHn/FKow52juufUOK2UByh/lPagok=",
            epoch_secs: 1_793_869_623,
        },
        // set3: label counter 359; PAD adds 00 to: salt00, a00, b00; u hash starts 00 then < 8
        Vector {
            pool_id: "ap-southeast-2_Q1w2E3r4T",
            user_id_for_srp: "bob@example.com",
            password: "correct horse battery staple",
            salt: "ba6e94f171db3809729051e82462fdc7",
            salt_hex: "ba6e94f171db3809729051e82462fdc7",
            a: "48a4f6fdfb3f27dc3b54c11015f18e2ac5aa2df98efb7b329f9d5038fab4a078e5b46e84c2415ba306e264a977b0d7bf7afee97efb528decb928762120e70535eb51d9b67bcce01fa68a84c6aaf9c494c8e75321f0a24ac2fc2cb4fee84787cff7e7a2ab9d1245e92d71c4d9bf51dfd77b9cbaf0f00701f2538da10e5f55487e",
            b: "70ecfe45462aae0ce14854193993eb25a171418e2a6acc9d4c7a9802466b6bfb",
            verifier: "cfa5580b6434eaa3534124a6202529ee35fbafe41a3fa9e3d8f7bc9069d10ff73db1150988e7eba2e97bba79158b999b8b4370b21431fe393b1c9d92d92a56052bd8cf22942104db817cedd2248957755a65a1a5f6af5e997f20e596a7316cd1493a015705f4f28eb53e47c540f8cfa44cbd2d71ee6b360d617479e899bdbaafd344bb88e6af8de0b50bc3b5dcde27d161545ea18b19970ae96fd67cd2832196371b482dfe3b03fa0f6d486faf2fc77b196575fac1a3a81a370dc17dccc352c412156b549b1966d36bc09b5e033660bdbadd0890e9b33c365bff289be16fc49172842c882f226e269f0463194fd66be6f96b42d219a7a06ae1c2fe55d0035d5977d42c1164f21500bd59da5ccb2e4726a64d5a41c85ecf5734419626c3c90890585e190b6d6a719cd99bdbfb787e03bdbbf7cc2b21db2b1f1ab061df50881eb27d1d0a811f9be1d5a740240584af269e33de21759a4e085c495029efcfca995323fa398d433005c5a72bcae1fd5895819b61f9a38aff59a5b55179a29e5e6a0",
            big_a: "a354fe40740b921bc8296b22f4f3806b6a56309f34a1d0f51ce468ee3de555728c5325b38c00bdd880a6320052d5e411ed98db5df61b5fc57f4fcfb4cf7dc9c4ca3ca6923d61af531294eafd0fdc209b4b4d4524b74dde2d44113f374aa30f0f1a22f6de25b4784a106994613f983911ac57c4e745ec30887327a9af7e9f96e6098a91d5d7203993512b270b1c026269609dbdef73f2dd6213b5c14325d70c570bcec426d7440c8bb3388224f822144b7bd4f27ffd8de4ea464e35e1678d1d190333b6c66b8ae0910312f889db0d6d1f039a7c4e0f83a9fbe0390e67834b2628abadac21240a2515c81159109d1d700021510e624c4f65d5d784a9e57afe0da7b0fdfa93958c67fbbf3b8c07708775e07c235478f9e498cd39e08ba178cecaad8afb66dce86e5dd53042dc076edb3d37784ed7f53b6945d1f6a234f6d9f8eb4ecb9df80ace13f77b1000eae68d1997e575c107bda73bfc7162fbaf1c046957c0886e8c402b0c074858aadab7fa47284e71784d7eb9d8128e6752f6661d6116ad",
            big_b: "e12bff05a032ba8376d43dc4b336fe8bb1b93e8272b2f38960ef55e51ed9c314ed9c9a7f0a50aa92f605cbbe0cbe47951fbdee6f672552f1957783f20c8270983870ed52b428ed7b56e169d98f447814f970b76d15c17caf7aa72ed1a20ba9cd2d829f120f57b841768c3d1104f6d56a708c59fc7d3cf1248060167b5a721c3598433689bd32214e0e5622888f4c117f36a7a6e713d586a1a1fd6085623b30c52a4177d61acce9fb05a7941ce21a5b2b1812d50a33ed9bb2b93d82a3c324406cf5df78fb130b117050626b6c546dabebf3b3b1b78f922e871ed510402ec0193b4c31463d6f34ab56483132aead08efb4c2e34c979d68ab3010c034edd96d59a79ef41ac0dfbb8e624317b6450d2bacb702794cbc9fd9f1e5e246e12b389ff6c30e297e0b33ed8be377108927199c1346bf6a9619b75102ee2e70162efddd42252a75b4ff46e0b6bca5af4e987bd5a4541a8198211ef35c22e0c9cbfc254f1fd5cbe974f3dd7db93fc22d50e65276b1fc61ff60291525ea54e837062513729db6",
            u: "66ca02696cbf7a84bc4d19e40f6e224e6f2877182f43d29f0bfa7c880dcd72",
            key: "eff2c84bb6535d2e65e23163abd795c2",
            secret_block: "5a4e9f4368ffd6e4320dae4b2d903370c2c51be6fcb9c560ed26c4530f7fd2535c16490feb0e0c1265ffce5e23b0a56e4eaa748a55ab3f677adabec6796855a9e4e2d403a7d1b3889ed16e22f834f90c15ec1a5e66c5211060782e29ec652e95",
            timestamp: "Tue Feb 29 23:59:59 UTC 2028",
            signature: "ZgCTkcZQ0QvYSgR96VAGHMkT8SVa2oJDikXMKkUBbzs=",
            wrong_password_signature: "UsbNTHrzduYZANUT3bUyr/ggh1KT6KcjdYFINMqxhUA=",
            epoch_secs: 1_835_481_599,
        },
    ];

    #[test]
    fn pycognito_vectors() {
        for t in VECTORS {
            let pool = pool_name(t.pool_id);
            let salt = bytes(t.salt);
            assert_eq!(salt_hex(&salt), t.salt_hex, "{}", t.pool_id);

            let verifier = compute_verifier(pool, t.user_id_for_srp, t.password, &salt);
            assert_eq!(verifier.to_str_radix(16), t.verifier, "{}", t.pool_id);

            let client = Client::new(&bytes(t.a));
            assert_eq!(client.public_hex(), t.big_a, "{}", t.pool_id);

            let challenge = server_challenge(&verifier, &bytes(t.b)).unwrap();
            assert_eq!(challenge.big_b.to_str_radix(16), t.big_b, "{}", t.pool_id);
            assert_eq!(scrambler(&hex(t.big_a), &challenge.big_b).to_str_radix(16), t.u, "{}", t.pool_id);

            let a_pub = parse_client_public(t.big_a).unwrap();
            let key = session_key(&a_pub, &challenge.big_b, &challenge.b, &verifier).unwrap();
            assert_eq!(to_hex(&key), t.key, "{}", t.pool_id);

            let secret_block = bytes(t.secret_block);
            let expected = claim_signature(&key, pool, t.user_id_for_srp, &secret_block, t.timestamp);
            assert_eq!(BASE64.encode(expected), t.signature, "{}", t.pool_id);
            assert!(verify_claim(&key, pool, t.user_id_for_srp, &secret_block, t.timestamp, t.signature));
            assert!(!verify_claim(
                &key,
                pool,
                t.user_id_for_srp,
                &secret_block,
                t.timestamp,
                t.wrong_password_signature
            ));
            // The signature covers the timestamp, the user and the secret block.
            assert!(!verify_claim(
                &key,
                pool,
                t.user_id_for_srp,
                &secret_block,
                "Thu Jan 1 00:00:00 UTC 1970",
                t.signature
            ));
            assert!(!verify_claim(&key, pool, "someone-else", &secret_block, t.timestamp, t.signature));
            assert!(!verify_claim(&key, pool, t.user_id_for_srp, &secret_block[1..], t.timestamp, t.signature));

            // The Rust client agrees with pycognito's signature.
            let secret_block_b64 = BASE64.encode(&secret_block);
            let ours = client.process_challenge(
                pool,
                t.user_id_for_srp,
                t.password,
                t.salt_hex,
                t.big_b,
                &secret_block_b64,
                t.timestamp,
            );
            assert_eq!(ours.as_deref(), Some(t.signature), "{}", t.pool_id);

            assert_eq!(parse_timestamp(t.timestamp), Some(t.epoch_secs), "{}", t.timestamp);
            assert_eq!(format_timestamp(t.epoch_secs * 1000), t.timestamp);
        }
    }

    #[test]
    fn vectors_cover_the_pad_edge_cases() {
        // Set 1: every hashed number gets the `00` byte; set 3: u's hash starts with 00 and a
        // nibble below 8, so PAD(u) is 31 bytes and differs from the raw hash.
        let t = &VECTORS[0];
        for v in [t.verifier, t.big_a, t.big_b, t.u, t.salt_hex] {
            assert!(pad_hex(&hex(v)).starts_with("00"));
        }
        assert_eq!(VECTORS[1].salt_hex.len() % 2, 1);
        let t = &VECTORS[2];
        assert_eq!(pad_hex(&hex(t.u)).len(), 62);
        let raw = sha256(&[&pad_bytes(&hex(t.big_a)), &pad_bytes(&hex(t.big_b))]);
        assert!(to_hex(raw.as_ref()).starts_with("00"));
    }

    #[test]
    fn round_trip_with_own_client() {
        let pool = pool_name("us-east-1_RoundTrip1");
        let user = "8c0f7a52-1b1e-4f5e-9d7c-3e2a1b0c9d8e";
        let salt = [0x5au8; 16];
        let verifier = compute_verifier(pool, user, "Correct-Horse-1", &salt);
        let secret_block = b"opaque server state".to_vec();
        let secret_block_b64 = BASE64.encode(&secret_block);
        let timestamp = format_timestamp(1_795_000_000_123);

        let client = Client::new(&[0x42u8; 128]);
        let a_pub = parse_client_public(&client.public_hex()).unwrap();
        let challenge = server_challenge(&verifier, &[0x17u8; 32]).unwrap();
        let key = session_key(&a_pub, &challenge.big_b, &challenge.b, &verifier).unwrap();
        let srp_b = challenge.big_b.to_str_radix(16);

        let right = client
            .process_challenge(pool, user, "Correct-Horse-1", &salt_hex(&salt), &srp_b, &secret_block_b64, &timestamp)
            .unwrap();
        assert!(verify_claim(&key, pool, user, &secret_block, &timestamp, &right));

        let wrong = client
            .process_challenge(pool, user, "Correct-Horse-2", &salt_hex(&salt), &srp_b, &secret_block_b64, &timestamp)
            .unwrap();
        assert!(!verify_claim(&key, pool, user, &secret_block, &timestamp, &wrong));

        // Uppercase SRP_A with leading zeros names the same A (and is hashed as the same integer).
        let upper = format!("000{}", client.public_hex().to_uppercase());
        assert_eq!(parse_client_public(&upper).unwrap(), a_pub);

        assert!(!verify_claim(&key, pool, user, &secret_block, &timestamp, "not base64!"));
        assert!(!verify_claim(&key, pool, user, &secret_block, &timestamp, ""));
        assert!(!verify_claim(&key, pool, user, &secret_block, &timestamp, &BASE64.encode([0u8; 16])));
    }

    #[test]
    fn bad_client_public_is_rejected() {
        assert_eq!(parse_client_public("0"), None);
        assert_eq!(parse_client_public("000"), None);
        assert_eq!(parse_client_public(N_HEX), None);
        assert_eq!(parse_client_public(&N_HEX.to_lowercase()), None);
        assert_eq!(parse_client_public(&(n() * 2u32).to_str_radix(16)), None);
        assert_eq!(parse_client_public(""), None);
        assert_eq!(parse_client_public("xyz"), None);
        assert_eq!(parse_client_public("+12"), None);
        assert_eq!(parse_client_public("1_2"), None);
        assert_eq!(parse_client_public(" 12"), None);
        assert_eq!(parse_client_public(&"1".repeat(MAX_HEX_LEN + 1)), None);
        assert_eq!(parse_client_public("2"), Some(BigUint::from(2u32)));
        // The server's own check refuses A = N even if the caller skipped parsing.
        let v = compute_verifier("p", "u", "pw", &[1; 16]);
        let c = server_challenge(&v, &[9; 32]).unwrap();
        assert_eq!(session_key(n(), &c.big_b, &c.b, &v), None);
        assert_eq!(session_key(&BigUint::zero(), &c.big_b, &c.b, &v), None);
    }

    #[test]
    fn zero_b_is_redrawn() {
        let v = compute_verifier("p", "u", "pw", &[1; 16]);
        assert!(server_challenge(&v, &[0; 32]).is_none());
        assert!(server_challenge(&v, &[]).is_none());
    }

    #[test]
    fn client_refuses_bad_b() {
        let client = Client::new(&[7; 128]);
        let args = |b: &str| client.process_challenge("p", "u", "pw", "abc", b, "AAAA", "Thu Nov 5 09:07:03 UTC 2026");
        assert!(args(N_HEX).is_none());
        assert!(args("0").is_none());
        assert!(args("zz").is_none());
        assert!(args("1234").is_some());
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = server_challenge(&BigUint::from(5u32), &[0x99; 32]).unwrap();
        assert!(!format!("{c:?}").contains(&c.b.to_string()));
        let client = Client::new(&[0x99; 32]);
        assert!(!format!("{client:?}").contains(&client.a.to_string()));
    }

    #[test]
    fn timestamps() {
        // 2026-11-05T09:07:03Z and 2026-11-26T11:02:38Z.
        assert_eq!(format_timestamp(1_793_869_623_000), "Thu Nov 5 09:07:03 UTC 2026");
        assert_eq!(format_timestamp(1_793_869_623_999), "Thu Nov 5 09:07:03 UTC 2026");
        assert_eq!(parse_timestamp("Thu Nov 5 09:07:03 UTC 2026"), Some(1_793_869_623));
        assert_eq!(parse_timestamp("Thu Nov 05 09:07:03 UTC 2026"), Some(1_793_869_623));
        assert_eq!(format_timestamp(1_795_690_958_000), "Thu Nov 26 11:02:38 UTC 2026");
        assert_eq!(parse_timestamp("Thu Nov 26 11:02:38 UTC 2026"), Some(1_795_690_958));
        // Leap day 2028-02-29T12:00:00Z, then the day after.
        assert_eq!(format_timestamp(1_835_438_400_000), "Tue Feb 29 12:00:00 UTC 2028");
        assert_eq!(parse_timestamp("Tue Feb 29 12:00:00 UTC 2028"), Some(1_835_438_400));
        assert_eq!(format_timestamp(1_835_524_800_000), "Wed Mar 1 12:00:00 UTC 2028");
        assert_eq!(format_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(format_timestamp(-1), "Wed Dec 31 23:59:59 UTC 1969");
        assert_eq!(format_timestamp(951_782_400_000), "Tue Feb 29 00:00:00 UTC 2000");

        for bad in [
            "",
            "Thu Nov 5 09:07:03 UTC",
            "Thu Nov 5 09:07:03 GMT 2026",
            "Thu Nov 5 09:07 UTC 2026",
            "Thu Nov 5 24:00:00 UTC 2026",
            "Thu Nov 5 09:60:00 UTC 2026",
            "Thu Nov 0 09:07:03 UTC 2026",
            "Thu Nov 31 09:07:03 UTC 2026",
            "Sat Feb 29 09:07:03 UTC 2025",
            "Xyz Nov 5 09:07:03 UTC 2026",
            "Thu Foo 5 09:07:03 UTC 2026",
            "Thu Nov +5 09:07:03 UTC 2026",
            "Thu Nov 5 09:07:03 UTC 2026 extra",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }

        // Round trip over a spread of instants, including leap days and year ends.
        let mut t: i64 = -86_400 * 365;
        while t < 4_102_444_800 {
            let s = format_timestamp(t * 1000);
            assert_eq!(parse_timestamp(&s), Some(t), "{s}");
            t += 86_399 * 7 + 3_601;
        }
    }
}
