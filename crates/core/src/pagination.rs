//! Opaque pagination tokens: the last key of a page, sealed so clients treat it as opaque.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::Result;
use crate::messages;

const PREFIX: &str = "cognate1:";

/// The token that resumes a listing after `last_key`.
pub fn encode(last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{last_key}"))
}

/// The key a token resumes after; `InvalidParameterException` if it is not one of ours.
pub fn decode(token: &str) -> Result<String> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix(PREFIX).map(str::to_string))
        .ok_or_else(messages::invalid_pagination_token)
}

/// Splits one extra row off a page fetched with `limit + 1`: the page, and the next token if
/// more rows exist.
pub fn page<T>(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> &str) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| encode(key(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_round_trip_and_foreign_tokens_are_refused() {
        assert_eq!(super::decode(&super::encode("us-east-1_abc")).unwrap(), "us-east-1_abc");
        assert!(super::decode("bm9wZQ").is_err());
        assert!(super::decode("!!").is_err());
    }
}
