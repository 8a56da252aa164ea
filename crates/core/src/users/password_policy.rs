//! The pool's password policy: checking passwords with the service's texts, and making
//! temporary passwords that satisfy it.

use cognate_model::shapes::PasswordPolicyType;
use cognate_model::ErrorCode;

use crate::ports::rng::{Rng, RngExt};
use crate::Error;

/// The symbols the service counts as special characters.
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

/// Checks `password` against `policy`; `InvalidPasswordException` with the first rule broken.
// AWS: "Password did not conform with policy: Password not long enough" and friends.
pub fn check(policy: &PasswordPolicyType, password: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::service(ErrorCode::InvalidPasswordException, format!("Password did not conform with policy: {why}")))
    };
    let min = usize::try_from(policy.minimum_length.unwrap_or(8)).unwrap_or(8);
    if password.chars().count() < min {
        return fail("Password not long enough");
    }
    if policy.require_numbers == Some(true) && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if policy.require_lowercase == Some(true) && !password.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_uppercase == Some(true) && !password.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_symbols == Some(true) && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

/// A random temporary password that satisfies `policy` (at least one character of each kind).
/// No `.`: the default invitation ends the sentence with one right after the password.
pub fn temporary(policy: &PasswordPolicyType, rng: &dyn Rng) -> String {
    let len = usize::try_from(policy.minimum_length.unwrap_or(8)).unwrap_or(8).max(8);
    let classes: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnopqrstuvwxyz", b"23456789", b"^$*!@#%&-_=+"];
    let mut chars: Vec<char> =
        classes.iter().map(|c| rng.string_from(c, 1)).flat_map(|s| s.chars().collect::<Vec<_>>()).collect();
    let all: Vec<u8> = classes.concat();
    chars.extend(rng.string_from(&all, len - chars.len()).chars());
    // Shuffle so the kinds are not always in the same places.
    for i in (1..chars.len()).rev() {
        let j = rng.below(u32::try_from(i + 1).unwrap_or(1)) as usize;
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::user_pools as defaults;

    struct Seq(std::sync::atomic::AtomicU8);
    impl Rng for Seq {
        fn fill(&self, buf: &mut [u8]) {
            for b in buf {
                *b = self.0.fetch_add(97, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }

    #[test]
    fn each_rule_has_its_text() {
        let p = defaults::default_password_policy();
        let msg = |pw: &str| match check(&p, pw) {
            Err(Error::Service(e)) => e.message.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(msg("Ab1!"), "Password did not conform with policy: Password not long enough");
        assert_eq!(msg("Abcdefgh!"), "Password did not conform with policy: Password must have numeric characters");
        assert_eq!(msg("ABCDEFG1!"), "Password did not conform with policy: Password must have lowercase characters");
        assert_eq!(msg("abcdefg1!"), "Password did not conform with policy: Password must have uppercase characters");
        assert_eq!(msg("Abcdefg12"), "Password did not conform with policy: Password must have symbol characters");
        assert!(check(&p, "Abcdefg1!").is_ok());
    }

    #[test]
    fn temporary_passwords_satisfy_the_policy() {
        let p = defaults::default_password_policy();
        let rng = Seq(Default::default());
        for _ in 0..50 {
            let t = temporary(&p, &rng);
            assert!(check(&p, &t).is_ok(), "{t}");
        }
    }
}
