//! Modular exponentiation `base^exp mod m` for a fixed odd modulus, in constant time with
//! respect to the exponent and the base, on AWS-LC's Montgomery arithmetic
//! (`BN_mod_exp_mont_consttime`, with its x86-64 and AArch64 assembly).
//!
//! SRP's secrets are exponents (the server's `b`, the client's `a`, the password hash `x`) and
//! its bases include the stored verifier, so a variable-time exponentiation leaks them through
//! timing; this one does not, and it is several times faster than a portable big-integer
//! library on the 3072-bit group Cognito uses.
//!
//! This crate is the only place in cognate that calls C: every `unsafe` block states why it is
//! sound. Numbers cross the boundary as big-endian bytes.

use std::ptr::NonNull;

use aws_lc_sys as ffi;

/// An owned `BIGNUM`, freed on drop.
struct BigNum(NonNull<ffi::BIGNUM>);

impl BigNum {
    /// The big-endian unsigned integer `bytes` (empty is zero).
    fn from_be(bytes: &[u8]) -> Option<BigNum> {
        // SAFETY: `BN_bin2bn` reads exactly `bytes.len()` bytes from a valid slice and, given a
        // null `ret`, allocates a new BIGNUM that we own (or returns null on allocation failure).
        let raw = unsafe { ffi::BN_bin2bn(bytes.as_ptr(), bytes.len(), std::ptr::null_mut()) };
        NonNull::new(raw).map(BigNum)
    }

    fn zero() -> Option<BigNum> {
        // SAFETY: `BN_new` allocates a zero BIGNUM that we own, or returns null.
        NonNull::new(unsafe { ffi::BN_new() }).map(BigNum)
    }

    /// The value as exactly `len` big-endian bytes, or `None` if it does not fit.
    fn to_be_padded(&self, len: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; len];
        // SAFETY: `out` is a writable buffer of `len` bytes; `self.0` is a valid BIGNUM.
        let ok = unsafe { ffi::BN_bn2bin_padded(out.as_mut_ptr(), out.len(), self.0.as_ptr()) };
        (ok == 1).then_some(out)
    }
}

impl Drop for BigNum {
    fn drop(&mut self) {
        // SAFETY: we own this BIGNUM and free it once.
        unsafe { ffi::BN_free(self.0.as_ptr()) }
    }
}

/// A fixed odd modulus with its precomputed Montgomery context, shareable between threads.
pub struct Modulus {
    modulus: BigNum,
    mont: NonNull<ffi::BN_MONT_CTX>,
    len: usize,
}

// SAFETY: after construction the modulus and its Montgomery context are only read (AWS-LC takes
// them as `const` in `BN_mod_exp_mont_consttime`), and reading them from several threads at once
// is how AWS-LC's own RSA keys use them.
unsafe impl Send for Modulus {}
// SAFETY: as above: shared references only ever read.
unsafe impl Sync for Modulus {}

impl Modulus {
    /// The modulus given as big-endian bytes; `None` unless it is odd and above 1.
    pub fn new(be: &[u8]) -> Option<Modulus> {
        let digits = &be[be.iter().position(|b| *b != 0).unwrap_or(be.len())..];
        if digits.last().is_none_or(|b| b & 1 == 0) || digits == [1] {
            return None;
        }
        let modulus = BigNum::from_be(be)?;
        // SAFETY: `BN_CTX_new` allocates a scratch context we own (or null).
        let ctx = NonNull::new(unsafe { ffi::BN_CTX_new() })?;
        // SAFETY: `modulus` and `ctx` are valid; the returned context is ours (or null on error).
        let mont = unsafe { ffi::BN_MONT_CTX_new_for_modulus(modulus.0.as_ptr(), ctx.as_ptr()) };
        // SAFETY: we own `ctx` and free it once.
        unsafe { ffi::BN_CTX_free(ctx.as_ptr()) };
        // SAFETY: `modulus` is valid.
        let len = usize::try_from(unsafe { ffi::BN_num_bytes(modulus.0.as_ptr()) }).ok()?;
        Some(Modulus { modulus, mont: NonNull::new(mont)?, len })
    }

    /// The modulus's length in bytes: the length of every [`Modulus::pow`] result.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a modulus has at least one byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `base^exp mod m` as big-endian bytes of [`Modulus::len`] (leading zeros kept), in time
    /// that depends on the lengths of `base` and `exp` but not on their values. `None` if `base`
    /// is not below the modulus (reduce it first) or AWS-LC fails to allocate.
    pub fn pow(&self, base: &[u8], exp: &[u8]) -> Option<Vec<u8>> {
        let base = BigNum::from_be(base)?;
        let exp = BigNum::from_be(exp)?;
        let result = BigNum::zero()?;
        // SAFETY: both BIGNUMs are valid; `BN_cmp` only reads them.
        if unsafe { ffi::BN_cmp(base.0.as_ptr(), self.modulus.0.as_ptr()) } >= 0 {
            return None;
        }
        // SAFETY: `BN_CTX_new` allocates a scratch context we own (or null).
        let ctx = NonNull::new(unsafe { ffi::BN_CTX_new() })?;
        // SAFETY: every pointer is valid for the call: `result` is ours to write, `base`, `exp`,
        // the modulus and its Montgomery context are only read, `ctx` is our scratch space. The
        // base is below the modulus, as the function requires.
        let ok = unsafe {
            ffi::BN_mod_exp_mont_consttime(
                result.0.as_ptr(),
                base.0.as_ptr(),
                exp.0.as_ptr(),
                self.modulus.0.as_ptr(),
                ctx.as_ptr(),
                self.mont.as_ptr(),
            )
        };
        // SAFETY: we own `ctx` and free it once.
        unsafe { ffi::BN_CTX_free(ctx.as_ptr()) };
        if ok != 1 {
            return None;
        }
        result.to_be_padded(self.len)
    }
}

impl Drop for Modulus {
    fn drop(&mut self) {
        // SAFETY: we own the Montgomery context and free it once (the BIGNUM frees itself).
        unsafe { ffi::BN_MONT_CTX_free(self.mont.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn small_numbers_come_out_right() {
        let m = Modulus::new(&[0x01, 0x01]).unwrap(); // 257
        assert_eq!(m.len(), 2);
        assert_eq!(m.pow(&[3], &[5]).unwrap(), vec![0, 243]); // 3^5 = 243
        assert_eq!(m.pow(&[2], &[9]).unwrap(), vec![0, 255]); // 512 mod 257 = 255
        assert_eq!(m.pow(&[7], &[]).unwrap(), vec![0, 1]); // x^0 = 1
        assert_eq!(m.pow(&[0], &[3]).unwrap(), vec![0, 0]);
        assert_eq!(m.pow(&[0, 0, 5], &[2]).unwrap(), vec![0, 25]); // leading zeros are fine
    }

    #[test]
    fn bases_not_below_the_modulus_and_even_moduli_are_refused() {
        let m = Modulus::new(&[0x01, 0x01]).unwrap();
        assert!(m.pow(&[0x01, 0x01], &[2]).is_none());
        assert!(m.pow(&[0x02, 0x00], &[2]).is_none());
        assert!(Modulus::new(&[0x10]).is_none());
        assert!(Modulus::new(&[0x01]).is_none());
        assert!(Modulus::new(&[]).is_none());
    }
}
