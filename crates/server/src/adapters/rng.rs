//! The operating system's CSPRNG behind the `Rng` port.

use cognate_core::ports::Rng;
use rand::RngCore;

/// Random bytes from the operating system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRng;

impl Rng for OsRng {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}
