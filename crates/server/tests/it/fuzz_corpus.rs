//! The fuzz targets' kept corpora (`fuzz/corpus/`, minimised after each long run, and any input
//! that ever found a bug) replayed through the same entry points, so that what the fuzzer
//! learnt keeps being checked by the ordinary test run.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let bytes = std::fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 3, "the {target} corpus is missing from {}", dir.display());
    inputs
}

#[test]
fn the_protocol_corpus_still_holds() {
    use cognate_server::protocol::fuzzing::{protocol, Outcome};
    let mut accepted = 0;
    for (path, input) in corpus("protocol") {
        let outcome = std::panic::catch_unwind(|| protocol(&input))
            .unwrap_or_else(|_| panic!("{} breaks an invariant", path.display()));
        accepted += usize::from(matches!(outcome, Outcome::Accepted(_)));
    }
    // The corpus reaches past validation, not only into the error paths.
    assert!(accepted > 0, "no input of the corpus is valid");
}

#[test]
fn the_jwt_corpus_still_holds() {
    let mut accepted = 0;
    for (path, input) in corpus("jwt") {
        let ok = std::panic::catch_unwind(|| cognate_core::tokens::fuzzing::jwt(&input))
            .unwrap_or_else(|_| panic!("{} breaks an invariant", path.display()));
        accepted += usize::from(ok);
    }
    assert!(accepted > 0, "no token of the corpus verifies");
}
