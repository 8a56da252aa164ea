//! The cryptographic steps on the sign-in and token paths, one core: `cargo bench -p cognate-core`.
//! The SRP steps run on AWS-LC's constant-time exponentiation; `modpow (num-bigint)` is the
//! portable variable-time exponentiation they replaced, for comparison.

use cognate_core::auth::srp;
use cognate_core::tokens::{verify, Expectations, SigningKey, TOKEN_USE_ACCESS};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use num_bigint::BigUint;

fn srp_steps(c: &mut Criterion) {
    let salt = [7u8; 16];
    let verifier = srp::compute_verifier("Pool", "user", "Corr3ct-horse!", &salt);
    let b = [0x5au8; 32];
    let challenge = srp::server_challenge(&verifier, &b).unwrap_or_else(|| unreachable!());
    let client = srp::Client::new(&[0x33u8; 128]);
    let a_pub = srp::parse_client_public(&client.public_hex()).unwrap_or_else(|| unreachable!());

    c.bench_function("srp compute_verifier (g^x)", |bench| {
        bench.iter(|| srp::compute_verifier("Pool", black_box("user"), "Corr3ct-horse!", &salt))
    });
    c.bench_function("srp server_challenge (g^b)", |bench| {
        bench.iter(|| srp::server_challenge(&verifier, black_box(&b)))
    });
    c.bench_function("srp session_key ((A·v^u)^b)", |bench| {
        bench.iter(|| srp::session_key(&a_pub, &challenge.big_b, &challenge.b, black_box(&verifier)))
    });
    c.bench_function("srp client (1024-bit a)", |bench| bench.iter(|| srp::Client::new(black_box(&[0x33u8; 128]))));
    let exp = BigUint::from_bytes_be(&b);
    c.bench_function("modpow (num-bigint), 256-bit exponent", |bench| {
        bench.iter(|| srp::g().modpow(black_box(&exp), srp::n()))
    });
}

fn rs256(c: &mut Criterion) {
    let key = SigningKey::generate("bench".into()).unwrap_or_else(|_| unreachable!());
    let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench";
    let claims = serde_json::json!({
        "sub": "5f1e…", "iss": issuer, "client_id": "abc", "token_use": TOKEN_USE_ACCESS,
        "scope": "aws.cognito.signin.user.admin", "auth_time": 1_800_000_000, "exp": 1_800_003_600,
        "iat": 1_800_000_000, "jti": "j", "username": "jane",
    });
    let token = key.sign(&claims).unwrap_or_else(|_| unreachable!());
    let keys = [key.public()];
    let expected = Expectations::new(issuer, TOKEN_USE_ACCESS);
    c.bench_function("rs256 sign (cached key pair)", |bench| bench.iter(|| key.sign(black_box(&claims))));
    c.bench_function("rs256 verify", |bench| bench.iter(|| verify(black_box(&token), &keys, &expected, 1_800_000_100)));
}

criterion_group!(benches, srp_steps, rs256);
criterion_main!(benches);
