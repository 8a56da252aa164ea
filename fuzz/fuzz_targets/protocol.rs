//! Headers and body of a request → routing, SigV4, JSON, model validation, decoding, error encoding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognate_server::protocol::fuzzing::protocol(data);
});
