//! User attributes: reading and writing the list, and checking values against the pool's
//! schema with the service's texts.

use cognate_model::shapes::{AttributeDataType, AttributeType, SchemaAttributeType};

use crate::Error;

/// The value of attribute `name`.
pub fn get<'a>(attrs: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attrs.iter().find(|a| a.name == name).and_then(|a| a.value.as_deref())
}

/// Sets attribute `name`, keeping its place if it exists.
pub fn set(attrs: &mut Vec<AttributeType>, name: &str, value: &str) {
    match attrs.iter_mut().find(|a| a.name == name) {
        Some(a) => a.value = Some(value.to_string()),
        None => attrs.push(AttributeType { name: name.to_string(), value: Some(value.to_string()) }),
    }
}

/// Removes attribute `name`.
pub fn remove(attrs: &mut Vec<AttributeType>, name: &str) {
    attrs.retain(|a| a.name != name);
}

/// Whether a boolean attribute is `"true"`.
pub fn is_true(attrs: &[AttributeType], name: &str) -> bool {
    get(attrs, name) == Some("true")
}

fn schema_error(detail: impl std::fmt::Display) -> Error {
    Error::invalid_parameter(format!("Attributes did not conform to the schema: {detail}"))
}

/// Checks attributes a caller gives (at sign-up or creation) against the schema: every name
/// must exist, `sub` cannot be given, values must fit their type and length.
pub fn check_given(schema: &[SchemaAttributeType], given: &[AttributeType]) -> Result<(), Error> {
    for a in given {
        let Some(def) = schema.iter().find(|s| s.name.as_deref() == Some(a.name.as_str())) else {
            // AWS: "Attributes did not conform to the schema: Type for attribute {custom:x} could not be determined"
            return Err(schema_error(format!("Type for attribute {{{}}} could not be determined", a.name)));
        };
        if a.name == "sub" {
            return Err(schema_error("sub: Attribute cannot be updated. (changing an immutable attribute)"));
        }
        let value = a.value.as_deref().unwrap_or("");
        match def.attribute_data_type {
            Some(AttributeDataType::Boolean) if !matches!(value, "true" | "false") => {
                return Err(schema_error(format!("{}: Value must be a boolean", a.name)));
            }
            Some(AttributeDataType::Number) if !value.is_empty() && value.parse::<f64>().is_err() => {
                return Err(schema_error(format!("{}: Number must be a number", a.name)));
            }
            _ => {}
        }
        let max = def
            .string_attribute_constraints
            .as_ref()
            .and_then(|c| c.max_length.as_deref())
            .and_then(|m| m.parse::<usize>().ok())
            .unwrap_or(2048);
        if value.chars().count() > max {
            return Err(schema_error(format!("{}: String must be no longer than {max} characters", a.name)));
        }
    }
    Ok(())
}

/// Checks that every attribute the schema requires has a value.
// AWS: "Attributes did not conform to the schema: email: The attribute is required"
pub fn check_required(schema: &[SchemaAttributeType], attrs: &[AttributeType]) -> Result<(), Error> {
    let missing: Vec<String> = schema
        .iter()
        .filter(|s| s.required == Some(true))
        .filter_map(|s| s.name.as_deref())
        .filter(|n| *n != "sub" && get(attrs, n).is_none_or(str::is_empty))
        .map(|n| format!("{n}: The attribute is required"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(schema_error(missing.join("\n")))
    }
}
