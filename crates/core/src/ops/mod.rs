//! One function per operation, grouped by family. Each takes the ports it needs and the
//! operation's input shape, and returns its output shape or a modelled error.

pub mod attributes;
pub mod auth;
pub mod clients;
pub mod groups;
pub mod user_pools;
pub mod users;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Result;

/// Decodes a stored JSON document.
pub(crate) fn from_document<T: DeserializeOwned>(doc: &str) -> Result<T> {
    Ok(serde_json::from_str(doc).map_err(|e| anyhow::anyhow!("corrupt stored document: {e}"))?)
}

/// Encodes a JSON document for storage.
pub(crate) fn to_document<T: Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value).map_err(|e| anyhow::anyhow!("encoding a document: {e}"))?)
}

/// How often a read-modify-write retries when a concurrent writer got there first.
pub(crate) const UPDATE_ATTEMPTS: usize = 5;
