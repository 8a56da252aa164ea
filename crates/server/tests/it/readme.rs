//! The README's compatibility table must say exactly which operations are implemented.

use cognate_core::Cognito;
use cognate_model::Operation;

#[test]
fn the_readme_compatibility_table_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for op in Operation::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", op.name())))
            .unwrap_or_else(|| panic!("README has no compatibility row for {}", op.name()));
        let implemented = Cognito::IMPLEMENTED.contains(op);
        let says_yes = row.contains("| yes |");
        assert_eq!(says_yes, implemented, "README row for {} is out of date: {row}", op.name());
    }
}
