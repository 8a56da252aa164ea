//! Tokens as received, and tokens signed with the right key around arbitrary headers and claims.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognate_core::tokens::fuzzing::jwt(data);
});
