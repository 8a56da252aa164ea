//! The attribute schema of a pool: the 20 standard attributes with the flags the service
//! gives them, the caller's overrides, and custom attributes (`custom:name`, or
//! `dev:custom:name` when developer-only).

use cognate_model::shapes::{
    AttributeDataType, NumberAttributeConstraintsType, SchemaAttributeType, StringAttributeConstraintsType,
};

use crate::error::{Error, Result};
use crate::messages;

/// A pool holds at most this many custom attributes.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

/// The standard attributes, in the order DescribeUserPool lists them.
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

fn string_constraints(min: &str, max: &str) -> Option<StringAttributeConstraintsType> {
    Some(StringAttributeConstraintsType { min_length: Some(min.into()), max_length: Some(max.into()) })
}

/// A standard attribute as a new pool describes it.
pub fn standard_attribute(name: &str) -> SchemaAttributeType {
    let mut a = SchemaAttributeType {
        name: Some(name.to_string()),
        attribute_data_type: Some(AttributeDataType::String),
        developer_only_attribute: Some(false),
        mutable: Some(true),
        required: Some(false),
        number_attribute_constraints: None,
        string_attribute_constraints: string_constraints("0", "2048"),
    };
    match name {
        "sub" => {
            a.mutable = Some(false);
            a.required = Some(true);
            a.string_attribute_constraints = string_constraints("1", "2048");
        }
        "email_verified" | "phone_number_verified" => {
            a.attribute_data_type = Some(AttributeDataType::Boolean);
            a.string_attribute_constraints = None;
        }
        "birthdate" => a.string_attribute_constraints = string_constraints("10", "10"),
        "updated_at" => {
            a.attribute_data_type = Some(AttributeDataType::Number);
            a.string_attribute_constraints = None;
            a.number_attribute_constraints =
                Some(NumberAttributeConstraintsType { min_value: Some("0".into()), max_value: None });
        }
        _ => {}
    }
    a
}

/// Whether `name` (as stored, with any prefix) is a custom attribute.
pub fn is_custom(name: &str) -> bool {
    name.starts_with("custom:") || name.starts_with("dev:custom:")
}

/// The schema of a new pool: the standard attributes with the caller's overrides, then the
/// caller's custom attributes.
pub fn build(given: Vec<SchemaAttributeType>) -> Result<Vec<SchemaAttributeType>> {
    let mut schema: Vec<SchemaAttributeType> = STANDARD_ATTRIBUTES.iter().map(|n| standard_attribute(n)).collect();
    let mut custom = Vec::new();
    for attr in given {
        let name = attr.name.clone().unwrap_or_default();
        if let Some(standard) = schema.iter_mut().find(|s| s.name.as_deref() == Some(name.as_str())) {
            override_standard(standard, attr)?;
        } else {
            custom.push(attr);
        }
    }
    add_custom(&mut schema, custom)?;
    Ok(schema)
}

fn override_standard(standard: &mut SchemaAttributeType, given: SchemaAttributeType) -> Result<()> {
    let name = standard.name.clone().unwrap_or_default();
    if let Some(t) = given.attribute_data_type {
        if Some(t) != standard.attribute_data_type {
            // AWS: exact text not captured.
            return Err(Error::invalid_parameter(format!(
                "Invalid AttributeDataType {t} for standard attribute {name}."
            )));
        }
    }
    if name == "sub" {
        // The service keeps sub as it is.
        return Ok(());
    }
    if let Some(r) = given.required {
        standard.required = Some(r);
    }
    if let Some(m) = given.mutable {
        standard.mutable = Some(m);
    }
    if let Some(d) = given.developer_only_attribute {
        standard.developer_only_attribute = Some(d);
    }
    if let Some(c) = given.string_attribute_constraints {
        if standard.string_attribute_constraints.is_some() {
            standard.string_attribute_constraints = Some(c);
        }
    }
    if let Some(c) = given.number_attribute_constraints {
        if standard.number_attribute_constraints.is_some() {
            standard.number_attribute_constraints = Some(c);
        }
    }
    Ok(())
}

/// Appends custom attributes to `schema`, enforcing the service's rules: names are unique,
/// custom attributes cannot be required, and a pool has at most 50 of them.
pub fn add_custom(schema: &mut Vec<SchemaAttributeType>, given: Vec<SchemaAttributeType>) -> Result<()> {
    for attr in given {
        let bare = attr.name.clone().unwrap_or_default();
        let developer_only = attr.developer_only_attribute.unwrap_or(false);
        let name = if developer_only { format!("dev:custom:{bare}") } else { format!("custom:{bare}") };
        let key = format!("custom:{bare}");
        let taken =
            schema.iter().any(|s| s.name.as_deref().map(|n| n.strip_prefix("dev:").unwrap_or(n)) == Some(key.as_str()));
        if taken {
            return Err(messages::attribute_exists(&name));
        }
        if attr.required == Some(true) {
            // AWS: "Required custom attributes are not supported currently."
            return Err(Error::invalid_parameter("Required custom attributes are not supported currently."));
        }
        let data_type = attr.attribute_data_type.unwrap_or(AttributeDataType::String);
        let (string_c, number_c) = match data_type {
            AttributeDataType::String => (Some(attr.string_attribute_constraints.unwrap_or_default()), None),
            AttributeDataType::Number => (None, Some(attr.number_attribute_constraints.unwrap_or_default())),
            _ => (None, None),
        };
        check_constraints(&name, string_c.as_ref(), number_c.as_ref())?;
        schema.push(SchemaAttributeType {
            name: Some(name),
            attribute_data_type: Some(data_type),
            developer_only_attribute: Some(developer_only),
            mutable: Some(attr.mutable.unwrap_or(true)),
            required: Some(false),
            number_attribute_constraints: number_c,
            string_attribute_constraints: string_c,
        });
    }
    let count = schema.iter().filter(|s| s.name.as_deref().is_some_and(is_custom)).count();
    if count > MAX_CUSTOM_ATTRIBUTES {
        // AWS: the limit is documented (50 custom attributes per pool); the exact text is not captured.
        return Err(Error::invalid_parameter(format!(
            "A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )));
    }
    Ok(())
}

/// Constraint values are numbers written as strings; the service refuses anything else.
fn check_constraints(
    name: &str,
    s: Option<&StringAttributeConstraintsType>,
    n: Option<&NumberAttributeConstraintsType>,
) -> Result<()> {
    let bad = |what: &str| Error::invalid_parameter(format!("Invalid {what} for attribute {name}."));
    if let Some(s) = s {
        let min = s.min_length.as_deref().map(|v| v.parse::<u32>().map_err(|_| bad("MinLength"))).transpose()?;
        let max = s.max_length.as_deref().map(|v| v.parse::<u32>().map_err(|_| bad("MaxLength"))).transpose()?;
        if max.is_some_and(|m| m > 2048) || matches!((min, max), (Some(a), Some(b)) if a > b) {
            return Err(bad("StringAttributeConstraints"));
        }
    }
    if let Some(n) = n {
        let min = n.min_value.as_deref().map(|v| v.parse::<i64>().map_err(|_| bad("MinValue"))).transpose()?;
        let max = n.max_value.as_deref().map(|v| v.parse::<i64>().map_err(|_| bad("MaxValue"))).transpose()?;
        if matches!((min, max), (Some(a), Some(b)) if a > b) {
            return Err(bad("NumberAttributeConstraints"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str) -> SchemaAttributeType {
        SchemaAttributeType {
            name: Some(name.into()),
            attribute_data_type: Some(AttributeDataType::String),
            ..Default::default()
        }
    }

    #[test]
    fn a_new_schema_lists_the_standard_attributes_then_custom_ones() {
        let s = build(vec![custom("team")]).unwrap();
        assert_eq!(s.len(), 21);
        assert_eq!(s[0].name.as_deref(), Some("sub"));
        assert_eq!(s[20].name.as_deref(), Some("custom:team"));
        assert_eq!(s[20].string_attribute_constraints, Some(StringAttributeConstraintsType::default()));
    }

    #[test]
    fn duplicate_and_required_custom_attributes_are_refused() {
        assert!(build(vec![custom("a"), custom("a")]).is_err());
        let mut r = custom("b");
        r.required = Some(true);
        assert!(build(vec![r]).is_err());
    }

    #[test]
    fn more_than_fifty_custom_attributes_are_refused() {
        assert!(build((0..50).map(|i| custom(&format!("a{i}"))).collect()).is_ok());
        assert!(build((0..51).map(|i| custom(&format!("a{i}"))).collect()).is_err());
    }

    #[test]
    fn standard_attributes_can_be_made_required() {
        let mut email = SchemaAttributeType { name: Some("email".into()), required: Some(true), ..Default::default() };
        email.mutable = Some(false);
        let s = build(vec![email]).unwrap();
        let e = s.iter().find(|a| a.name.as_deref() == Some("email")).unwrap();
        assert_eq!((e.required, e.mutable), (Some(true), Some(false)));
        assert_eq!(s.len(), 20);
    }
}
