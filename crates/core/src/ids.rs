//! Identifier formats, as the real service makes them.

use crate::ports::rng::{Rng, RngExt};

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Lowercase base32hex, the alphabet of client ids and secrets.
const BASE32HEX: &[u8] = b"0123456789abcdefghijklmnopqrstuv";

/// A new user pool id: `{region}_{9 alphanumerics}`, e.g. `us-east-1_Trf85aUHa`.
pub fn user_pool_id(rng: &dyn Rng, region: &str) -> String {
    format!("{region}_{}", rng.string_from(ALNUM, 9))
}

/// A new app client id: 26 characters of lowercase base32hex (130 random bits).
pub fn client_id(rng: &dyn Rng) -> String {
    rng.string_from(BASE32HEX, 26)
}

/// A new app client secret: 52 characters of lowercase base32hex (260 random bits).
pub fn client_secret(rng: &dyn Rng) -> String {
    rng.string_from(BASE32HEX, 52)
}

/// A random (version 4) UUID, lowercase and hyphenated, as `sub` values are.
pub fn uuid_v4(rng: &dyn Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// A time-ordered (version 7) UUID: the first 48 bits are the Unix time in milliseconds, the
/// rest random. Ids made later sort after earlier ones, so a store's index of them grows at its
/// end instead of at random places.
pub fn uuid_v7(rng: &dyn Rng, now_millis: i64) -> String {
    let mut b = [0u8; 10];
    rng.fill(&mut b);
    let millis = u64::try_from(now_millis).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &b).into_uuid().to_string()
}

/// An opaque random token of `bytes` random bytes, base64url without padding.
pub fn opaque(rng: &dyn Rng, bytes: usize) -> String {
    use base64::Engine;
    let mut b = vec![0u8; bytes];
    rng.fill(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The ARN of a user pool.
pub fn user_pool_arn(region: &str, account_id: &str, pool_id: &str) -> String {
    format!("arn:aws:cognito-idp:{region}:{account_id}:userpool/{pool_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(std::sync::atomic::AtomicU8);
    impl Rng for Counter {
        fn fill(&self, buf: &mut [u8]) {
            for b in buf {
                *b = self.0.fetch_add(37, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }

    #[test]
    fn ids_have_the_services_shapes() {
        let rng = Counter(Default::default());
        let pool = user_pool_id(&rng, "eu-west-1");
        assert!(pool.starts_with("eu-west-1_") && pool.len() == "eu-west-1_".len() + 9, "{pool}");
        let c = client_id(&rng);
        assert_eq!(c.len(), 26);
        assert!(c.bytes().all(|b| BASE32HEX.contains(&b)));
        assert_eq!(client_secret(&rng).len(), 52);
        let u = uuid_v4(&rng);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(u.split('-').map(str::len).eq([8, 4, 4, 4, 12]), "{u}");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
    }

    #[test]
    fn time_ordered_uuids_sort_by_their_time() {
        let rng = Counter(Default::default());
        let earlier = uuid_v7(&rng, 1_700_000_000_000);
        let later = uuid_v7(&rng, 1_700_000_000_001);
        assert_eq!(earlier.len(), 36);
        assert_eq!(&earlier[14..15], "7");
        assert!(matches!(&earlier[19..20], "8" | "9" | "a" | "b"), "{earlier}");
        // 1_700_000_000_000 = 0x018b_cfe5_6800
        assert!(earlier.starts_with("018bcfe5-6800-7"), "{earlier}");
        assert!(earlier < later, "{earlier} {later}");
    }
}
