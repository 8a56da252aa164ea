//! Validates a request body against the model before any operation sees it.
//!
//! A member of the wrong JSON type is a `SerializationException`; constraint violations
//! (required, length, pattern, enum, range) are collected in the model's member order and
//! reported the way Cognito does: `2 validation errors detected: Value 'x' at 'userPoolId'
//! failed to satisfy constraint: Member must …; Value …`. Sensitive values are never echoed.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde_json::Value;

use super::schema::{Kind, Shape};
use crate::generated::schema::{PATTERNS, SHAPES};
use crate::{ErrorCode, ServiceError, ShapeId};

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The JSON does not have the shape's types: `SerializationException`.
    Serialization(String),
    /// Constraint violations, already joined into Cognito's message: `InvalidParameterException`.
    Invalid(String),
}

impl From<Rejection> for ServiceError {
    fn from(r: Rejection) -> Self {
        match r {
            Rejection::Serialization(m) => ServiceError::new(ErrorCode::SerializationException, m),
            Rejection::Invalid(m) => ServiceError::new(ErrorCode::InvalidParameterException, m),
        }
    }
}

/// Checks `body` against the input shape `shape`. Null map values are dropped on the way (as
/// absent entries), as the service accepts them: browser clients send `{"DEVICE_KEY": null}`.
pub fn validate(shape: ShapeId, body: &mut Value) -> Result<(), Rejection> {
    let mut errors = Vec::new();
    if !body.is_object() {
        return Err(Rejection::Serialization("Start of structure or map expected.".into()));
    }
    check(shape.0, body, "", false, &mut errors).map_err(Rejection::Serialization)?;
    if errors.is_empty() {
        return Ok(());
    }
    let n = errors.len();
    let noun = if n == 1 { "error" } else { "errors" };
    Err(Rejection::Invalid(format!("{n} validation {noun} detected: {}", errors.join("; "))))
}

/// Compiles the patterns lazily, each on first use.
static COMPILED: LazyLock<Vec<OnceLock<Option<Matcher>>>> =
    LazyLock::new(|| PATTERNS.iter().map(|_| OnceLock::new()).collect());

/// A compiled pattern. Most of the model's patterns are one character class repeated
/// (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, `[A-Za-z0-9-_=.]+` for tokens, …): for those an ASCII
/// value is checked byte by byte against a table, which is several times faster than the regex
/// on long values such as tokens; anything else goes to the regex.
pub struct Matcher {
    regex: Regex,
    /// For a pattern that is exactly one class repeated one or more times: which ASCII bytes
    /// the class holds.
    ascii_class: Option<[bool; 128]>,
}

impl Matcher {
    fn new(pattern: &str) -> Option<Self> {
        let regex = Regex::new(pattern).ok()?;
        Some(Self { regex, ascii_class: one_class_repeated(pattern) })
    }

    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        match &self.ascii_class {
            Some(class) if s.is_ascii() => !s.is_empty() && s.bytes().all(|b| class[usize::from(b)]),
            _ => self.regex.is_match(s),
        }
    }
}

/// The ASCII members of the class, if `pattern` is `^`, one class repeated one or more times
/// (without upper bound), then `$`.
fn one_class_repeated(pattern: &str) -> Option<[bool; 128]> {
    use regex_syntax::hir::{Class, HirKind, Look};
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let HirKind::Concat(parts) = hir.kind() else { return None };
    let [start, repeated, end] = parts.as_slice() else { return None };
    if !matches!(start.kind(), HirKind::Look(Look::Start)) || !matches!(end.kind(), HirKind::Look(Look::End)) {
        return None;
    }
    let HirKind::Repetition(r) = repeated.kind() else { return None };
    if r.min != 1 || r.max.is_some() {
        return None;
    }
    let mut table = [false; 128];
    match r.sub.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            for range in c.iter() {
                for ch in range.start()..=range.end().min('\u{7f}') {
                    table[ch as usize] = true;
                }
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            for range in c.iter() {
                for b in range.start()..=range.end().min(0x7f) {
                    table[usize::from(b)] = true;
                }
            }
        }
        _ => return None,
    }
    Some(table)
}

/// The compiled pattern `i`, or `None` if it does not compile (a unit test guards that).
pub fn pattern_regex(i: usize) -> Option<&'static Matcher> {
    let cell = COMPILED.get(i)?;
    cell.get_or_init(|| Matcher::new(PATTERNS.get(i)?.rust)).as_ref()
}

fn shape(i: u16) -> &'static Shape {
    &SHAPES[usize::from(i)]
}

fn lower_camel(name: &str) -> String {
    let mut cs = name.chars();
    match cs.next() {
        Some(f) => f.to_lowercase().chain(cs).collect(),
        None => String::new(),
    }
}

fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// Renders a value the way the service's messages do (Java `toString` style).
fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(render).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            format!("{{{}}}", o.iter().map(|(k, v)| format!("{k}={}", render(v))).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

fn violation(v: &Value, path: &str, sensitive: bool, constraint: &str) -> String {
    if sensitive {
        format!("Value at '{path}' failed to satisfy constraint: {constraint}")
    } else {
        format!("Value '{}' at '{path}' failed to satisfy constraint: {constraint}", render(v))
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

fn mismatch(v: &Value, expected: &str) -> String {
    match v {
        Value::Object(_) => "Start of structure or map found where not expected.".into(),
        Value::Array(_) => "Start of list found where not expected".into(),
        _ => format!("{} can not be converted to {expected}", type_name(v)),
    }
}

/// Checks one value; pushes constraint violations, returns `Err` on a type mismatch.
fn check(id: u16, v: &mut Value, path: &str, parent_sensitive: bool, errors: &mut Vec<String>) -> Result<(), String> {
    let sh = shape(id);
    let sensitive = parent_sensitive || sh.sensitive;
    match &sh.kind {
        Kind::Structure { members } => {
            let Value::Object(obj) = v else { return Err("Expected map or null".into()) };
            for m in members.iter() {
                let mpath = join_path(path, &lower_camel(m.name));
                match obj.get_mut(m.name) {
                    None | Some(Value::Null) => {
                        if m.required {
                            errors.push(format!(
                                "Value null at '{mpath}' failed to satisfy constraint: Member must not be null"
                            ));
                        }
                    }
                    Some(mv) => check(m.shape, mv, &mpath, sensitive, errors)?,
                }
            }
        }
        Kind::List { member, min, max } => {
            let Value::Array(items) = v else { return Err(mismatch(v, "a list")) };
            let count = items.len();
            let element = shape(*member);
            let element_is_structure = matches!(element.kind, Kind::Structure { .. } | Kind::Map { .. });
            let mut inner: Vec<String> = Vec::new();
            for (i, item) in items.iter_mut().enumerate() {
                if item.is_null() {
                    return Err("Unexpected null value in list".into());
                }
                if element_is_structure {
                    check(*member, item, &format!("{path}.{}.member", i + 1), sensitive, errors)?;
                } else {
                    let mut e = Vec::new();
                    check(*member, item, "", sensitive, &mut e)?;
                    for c in e.into_iter().filter_map(|m| constraint_of(&m)) {
                        if !inner.contains(&c) {
                            inner.push(c);
                        }
                    }
                }
            }
            length(v, count, *min, *max, path, sensitive, errors);
            for c in inner {
                errors.push(violation(v, path, sensitive, &format!("Member must satisfy constraint: [{c}]")));
            }
        }
        Kind::Map { key, value, min, max } => {
            let Value::Object(obj) = v else { return Err("Expected map or null".into()) };
            obj.retain(|_, item| !item.is_null());
            let count = obj.len();
            let mut key_inner: Vec<String> = Vec::new();
            let mut value_inner: Vec<String> = Vec::new();
            for (k, item) in obj.iter_mut() {
                let mut e = Vec::new();
                check(*key, &mut Value::String(k.clone()), "", sensitive, &mut e)?;
                key_inner.extend(e.into_iter().filter_map(|m| constraint_of(&m)));
                let mut e = Vec::new();
                check(*value, item, "", sensitive, &mut e)?;
                value_inner.extend(e.into_iter().filter_map(|m| constraint_of(&m)));
            }
            key_inner.dedup();
            value_inner.dedup();
            length(v, count, *min, *max, path, sensitive, errors);
            for c in key_inner {
                errors.push(violation(v, path, sensitive, &format!("Map keys must satisfy constraint: [{c}]")));
            }
            for c in value_inner {
                errors.push(violation(v, path, sensitive, &format!("Map value must satisfy constraint: [{c}]")));
            }
        }
        Kind::String { min, max, pattern, values } => {
            let v = &*v;
            let Value::String(s) = v else { return Err(mismatch(v, "a String")) };
            let len = s.encode_utf16().count();
            length(v, len, *min, *max, path, sensitive, errors);
            if let Some(p) = pattern {
                let i = usize::from(*p);
                if let Some(re) = pattern_regex(i) {
                    if !re.is_match(s) {
                        let text = format!("Member must satisfy regular expression pattern: {}", PATTERNS[i].model);
                        errors.push(violation(v, path, sensitive, &text));
                    }
                }
            }
            if !values.is_empty() && !values.contains(&s.as_str()) {
                let text = format!("Member must satisfy enum value set: [{}]", values.join(", "));
                errors.push(violation(v, path, sensitive, &text));
            }
        }
        Kind::Blob { min, max } => {
            let v = &*v;
            let Value::String(s) = v else { return Err(mismatch(v, "a ByteBuffer")) };
            length(v, s.len(), *min, *max, path, sensitive, errors);
        }
        Kind::Integer { min, max, long } => {
            let v = &*v;
            let Value::Number(n) = v else { return Err(mismatch(v, "an Integer")) };
            let Some(x) = n.as_i64() else { return Err(format!("{} can not be converted to an Integer", n)) };
            if !long && i32::try_from(x).is_err() {
                return Err(format!("Numeric value ({x}) out of range of int"));
            }
            if let Some(lo) = min {
                if x < *lo {
                    let text = format!("Member must have value greater than or equal to {lo}");
                    errors.push(violation(v, path, sensitive, &text));
                }
            }
            if let Some(hi) = max {
                if x > *hi {
                    let text = format!("Member must have value less than or equal to {hi}");
                    errors.push(violation(v, path, sensitive, &text));
                }
            }
        }
        Kind::Boolean => {
            if !v.is_boolean() {
                return Err(mismatch(v, "a Boolean"));
            }
        }
        Kind::Timestamp => {
            if !v.is_number() {
                return Err(mismatch(v, "a Date"));
            }
        }
        Kind::Document => {}
    }
    Ok(())
}

fn length(
    v: &Value,
    len: usize,
    min: Option<u64>,
    max: Option<u64>,
    path: &str,
    sensitive: bool,
    errors: &mut Vec<String>,
) {
    let len = len as u64;
    if let Some(lo) = min {
        if len < lo {
            let text = format!("Member must have length greater than or equal to {lo}");
            errors.push(violation(v, path, sensitive, &text));
        }
    }
    if let Some(hi) = max {
        if len > hi {
            let text = format!("Member must have length less than or equal to {hi}");
            errors.push(violation(v, path, sensitive, &text));
        }
    }
}

/// The constraint part ("Member must …") of a violation message.
fn constraint_of(message: &str) -> Option<String> {
    message.split_once("failed to satisfy constraint: ").map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Operation;

    #[test]
    fn the_class_table_answers_as_the_regex_does() {
        let mut tabled = 0;
        // Every ASCII character alone, in pairs, and longer strings mixing them, plus non-ASCII.
        let ascii: Vec<char> = (0u8..128).map(char::from).collect();
        let mut samples: Vec<String> = vec![String::new(), "é".into(), "aé".into(), "x\u{1F600}".into()];
        samples.extend(ascii.iter().map(|c| c.to_string()));
        samples.extend(ascii.iter().flat_map(|a| ascii.iter().step_by(7).map(move |b| format!("{a}{b}"))));
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            let len = (state % 40) as usize + 1;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ascii[(state % 128) as usize]
                })
                .collect();
            samples.push(text);
        }
        for (i, p) in PATTERNS.iter().enumerate() {
            let m = pattern_regex(i).unwrap();
            if m.ascii_class.is_none() {
                continue;
            }
            tabled += 1;
            for s in &samples {
                assert_eq!(m.is_match(s), m.regex.is_match(s), "{} on {s:?}", p.rust);
            }
        }
        // The token pattern is one of them, and a token's characters pass.
        let token = PATTERNS.iter().position(|p| p.model == "[A-Za-z0-9-_=.]+").unwrap();
        let m = pattern_regex(token).unwrap();
        assert!(m.ascii_class.is_some());
        assert!(m.is_match("eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.e30.c2ln-_="));
        assert!(!m.is_match("eyJ.e30 .sig"));
        assert!(tabled >= 5, "only {tabled} patterns use the table");
        // Not one class repeated: the regex alone.
        let pool_id = PATTERNS.iter().position(|p| p.model == r"[\w-]+_[0-9a-zA-Z]+").unwrap();
        assert!(pattern_regex(pool_id).unwrap().ascii_class.is_none());
    }

    #[test]
    fn every_model_pattern_compiles_and_matches_the_whole_value() {
        for (i, p) in PATTERNS.iter().enumerate() {
            let re = pattern_regex(i).unwrap_or_else(|| panic!("pattern {} does not compile as {}", p.model, p.rust));
            assert!(p.rust.starts_with("^(?:") && p.rust.ends_with(")$"), "{} is not anchored", p.rust);
            let _ = re;
        }
        let pool_id = PATTERNS.iter().position(|p| p.model == r"[\w-]+_[0-9a-zA-Z]+").unwrap();
        let re = pattern_regex(pool_id).unwrap();
        assert!(re.is_match("us-east-1_abc123XYZ"));
        assert!(!re.is_match(" us-east-1_abc"));
        assert!(!re.is_match("us-east-1_abc "));
        assert!(!re.is_match("us-east-1_ab/c"));
        // Java's \w is ASCII-only.
        assert!(!re.is_match("é_abc"));
    }

    #[test]
    fn the_look_behind_pattern_is_translated_faithfully() {
        let i = PATTERNS.iter().position(|p| p.model.contains("(?<!")).unwrap();
        let re = pattern_regex(i).unwrap();
        assert!(re.is_match("abc.def-1"));
        assert!(re.is_match(""));
        assert!(!re.is_match("abc."));
        assert!(!re.is_match("a b"));
    }

    #[test]
    fn a_pattern_violation_reads_as_cognito_writes_it() {
        let mut body = json!({"UserPoolId": "x y"});
        let err = validate(Operation::DescribeUserPool.input_shape(), &mut body).unwrap_err();
        assert_eq!(
            err,
            Rejection::Invalid(
                "1 validation error detected: Value 'x y' at 'userPoolId' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
                    .into()
            )
        );
    }

    #[test]
    fn several_violations_are_counted_and_joined() {
        let mut body = json!({"UserPoolId": "", "ClientName": "ok"});
        let Rejection::Invalid(m) = validate(Operation::CreateUserPoolClient.input_shape(), &mut body).unwrap_err()
        else {
            panic!("expected InvalidParameter")
        };
        assert_eq!(
            m,
            "2 validation errors detected: Value '' at 'userPoolId' failed to satisfy constraint: Member must have \
             length greater than or equal to 1; Value '' at 'userPoolId' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
        );
    }

    #[test]
    fn missing_required_members_are_not_null_violations() {
        let Rejection::Invalid(m) = validate(Operation::CreateUserPool.input_shape(), &mut json!({})).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            m,
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn sensitive_values_are_never_echoed() {
        let mut body = json!({"AccessToken": "secret token!", "AttributeName": "email"});
        let Rejection::Invalid(m) =
            validate(Operation::GetUserAttributeVerificationCode.input_shape(), &mut body).unwrap_err()
        else {
            panic!()
        };
        assert!(!m.contains("secret"), "{m}");
        assert!(m.contains("Value at 'accessToken' failed to satisfy constraint"), "{m}");
    }

    #[test]
    fn enum_values_in_lists_are_reported_on_the_list() {
        let mut body = json!({"UserPoolId": "us-east-1_abc", "ClientName": "c", "ExplicitAuthFlows": ["BOGUS"]});
        let Rejection::Invalid(m) = validate(Operation::CreateUserPoolClient.input_shape(), &mut body).unwrap_err()
        else {
            panic!()
        };
        assert!(m.starts_with("1 validation error detected: Value '[BOGUS]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: ["), "{m}");
    }

    #[test]
    fn numeric_ranges_and_nested_paths() {
        let mut body = json!({"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}});
        let Rejection::Invalid(m) = validate(Operation::CreateUserPool.input_shape(), &mut body).unwrap_err() else {
            panic!()
        };
        assert_eq!(m, "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6");
    }

    #[test]
    fn list_elements_that_are_structures_use_one_based_member_paths() {
        let mut body = json!({"UserPoolId": "us-east-1_abc", "CustomAttributes": [{"Name": "ok"}, {"Name": ""}]});
        let Rejection::Invalid(m) = validate(Operation::AddCustomAttributes.input_shape(), &mut body).unwrap_err()
        else {
            panic!()
        };
        assert!(m.contains("at 'customAttributes.2.member.name'"), "{m}");
    }

    #[test]
    fn null_map_values_are_dropped_as_absent_entries() {
        let mut body = json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "abc", "AuthParameters": {"REFRESH_TOKEN": "t", "DEVICE_KEY": null}});
        validate(Operation::InitiateAuth.input_shape(), &mut body).unwrap();
        assert_eq!(body["AuthParameters"], json!({"REFRESH_TOKEN": "t"}));
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        for mut body in [json!({"PoolName": 5}), json!({"PoolName": "p", "AutoVerifiedAttributes": "email"}), json!([])]
        {
            assert!(matches!(
                validate(Operation::CreateUserPool.input_shape(), &mut body),
                Err(Rejection::Serialization(_))
            ));
        }
    }
}
