//! Randomness as an input: ids, secrets, codes and salts come from an `Rng` the service is
//! given (a CSPRNG in production, a seeded one in tests that need determinism).

/// A cryptographically secure source of random bytes.
pub trait Rng: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// Helpers on top of [`Rng`].
pub trait RngExt {
    /// A uniformly random index below `n` (`n` > 0), without modulo bias.
    fn below(&self, n: u32) -> u32;
    /// A string of `len` characters drawn uniformly from `alphabet`.
    fn string_from(&self, alphabet: &[u8], len: usize) -> String;
}

impl<R: Rng + ?Sized> RngExt for R {
    fn below(&self, n: u32) -> u32 {
        let n = n.max(1);
        let zone = u32::MAX - (u32::MAX % n);
        loop {
            let mut b = [0u8; 4];
            self.fill(&mut b);
            let x = u32::from_le_bytes(b);
            if x < zone {
                return x % n;
            }
        }
    }

    fn string_from(&self, alphabet: &[u8], len: usize) -> String {
        let n = u32::try_from(alphabet.len()).unwrap_or(u32::MAX);
        (0..len).map(|_| char::from(alphabet.get(self.below(n) as usize).copied().unwrap_or(b'0'))).collect()
    }
}
