//! Translates the model's Java regular expressions into the Rust `regex` dialect.
//!
//! Java's `\w`, `\s` and `\d` are ASCII-only; Rust's are Unicode, so they become the ASCII
//! classes `[:word:]`, `[:space:]` and `[:digit:]`. A `-` inside a bracket that cannot start a
//! range is escaped. Constructs Rust lacks (look-behind) are rewritten by hand in `REWRITES`.

/// Whole-pattern rewrites for constructs the `regex` crate does not support.
const REWRITES: &[(&str, &str)] = &[
    // "no trailing dot": a negative look-behind in Java.
    (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", r"^(?:[0-9A-Za-z.\-_]*[0-9A-Za-z\-_])?$"),
];

/// Returns a Rust regex that matches exactly the values the Java pattern matches, anchored to
/// the whole value (Cognito's validation is a full match).
pub fn translate(java: &str) -> String {
    let body = REWRITES
        .iter()
        .find(|(from, _)| *from == java)
        .map(|(_, to)| to.to_string())
        .unwrap_or_else(|| translate_classes(java));
    format!("^(?:{body})$")
}

fn translate_classes(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut depth = 0usize; // bracket depth
                            // Inside a bracket: whether the previous item was a single character that may start a range.
    let mut prev_single = false;
    let mut at_class_start = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            let ascii = match n {
                'w' => Some("word"),
                's' => Some("space"),
                'd' => Some("digit"),
                _ => None,
            };
            if let Some(class) = ascii {
                if depth > 0 {
                    out.push_str(&format!("[:{class}:]"));
                } else {
                    out.push_str(&format!("[[:{class}:]]"));
                }
                prev_single = false;
                i += 2;
            } else if n == 'p' || n == 'P' {
                // \p{..}: copy through to the closing brace.
                let end = chars[i..].iter().position(|&x| x == '}').map(|e| i + e + 1).unwrap_or(chars.len());
                out.extend(&chars[i..end]);
                prev_single = false;
                i = end;
            } else {
                out.push(c);
                out.push(n);
                prev_single = depth > 0;
                i += 2;
            }
            at_class_start = false;
            continue;
        }
        if depth > 0 {
            match c {
                '[' => {
                    depth += 1;
                    out.push(c);
                    at_class_start = true;
                    prev_single = false;
                    i += 1;
                    continue;
                }
                ']' if !at_class_start => {
                    depth -= 1;
                    out.push(c);
                    prev_single = false;
                }
                '-' => {
                    let next_closes = chars.get(i + 1).is_none_or(|&x| x == ']');
                    if prev_single && !next_closes {
                        // A range: copy the '-' and the end of the range.
                        out.push('-');
                        i += 1;
                        if chars[i] == '\\' && i + 1 < chars.len() {
                            out.push(chars[i]);
                            out.push(chars[i + 1]);
                            i += 2;
                        } else {
                            out.push(chars[i]);
                            i += 1;
                        }
                        prev_single = false;
                        at_class_start = false;
                        continue;
                    }
                    out.push_str("\\-");
                    prev_single = false;
                }
                '^' if at_class_start => {
                    out.push(c);
                    i += 1;
                    continue; // still at the start of the class
                }
                _ => {
                    out.push(c);
                    prev_single = true;
                }
            }
            at_class_start = false;
        } else {
            if c == '[' {
                depth = 1;
                at_class_start = true;
                prev_single = false;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn ascii_classes_and_literal_dashes() {
        assert_eq!(translate(r"[\w-]+_[0-9a-zA-Z]+"), r"^(?:[[:word:]\-]+_[0-9a-zA-Z]+)$");
        assert_eq!(translate(r"[A-Za-z0-9-_=.]+"), r"^(?:[A-Za-z0-9\-_=.]+)$");
        assert_eq!(translate(r"[\S]+"), r"^(?:[\S]+)$");
        assert_eq!(translate(r"[\p{L}\p{M}]+"), r"^(?:[\p{L}\p{M}]+)$");
    }
}
