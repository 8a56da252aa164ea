//! A user, parsed from its stored record, with the rules of usernames and aliases.

use cognate_model::shapes::{AliasAttributeType, AttributeType, UserPoolType, UserStatusType, UsernameAttributeType};
use serde::{Deserialize, Serialize};

use super::attributes;
use crate::ops::{from_document, to_document};
use crate::ports::store::{AliasClaim, UserIndex};
use crate::ports::UserRecord;
use crate::Error;

/// What is stored of a password: the SRP salt and verifier (hex), never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPassword {
    /// The random salt.
    pub salt: String,
    /// `g^x mod N`.
    pub verifier: String,
    /// Epoch milliseconds when the password was set (temporary passwords expire).
    pub set_at: i64,
}

/// A user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The stored record this was read from (key, ids, times, version).
    pub record: UserRecord,
    /// The status.
    pub status: UserStatusType,
    /// Attributes, `sub` included.
    pub attributes: Vec<AttributeType>,
    /// The password, once one is set.
    pub password: Option<StoredPassword>,
    /// New `email` / `phone_number` values waiting for verification before they replace the
    /// current ones (the pool's `AttributesRequireVerificationBeforeUpdate`).
    pub pending: std::collections::BTreeMap<String, String>,
}

impl User {
    /// Parses a stored record.
    pub fn from_record(record: UserRecord) -> Result<Self, Error> {
        let status = UserStatusType::from_wire(&record.status)
            .ok_or_else(|| anyhow::anyhow!("unknown stored user status {}", record.status))?;
        let attributes = from_document(&record.attributes)?;
        let password = record.password.as_deref().map(from_document).transpose()?;
        let pending = from_document(&record.pending)?;
        Ok(Self { record, status, attributes, password, pending })
    }

    /// The record to store, with `version` and `updated_at` as given.
    pub fn to_record(&self) -> Result<UserRecord, Error> {
        let mut r = self.record.clone();
        r.status = self.status.as_str().to_string();
        r.attributes = to_document(&self.attributes)?;
        r.password = self.password.as_ref().map(to_document).transpose()?;
        r.pending = to_document(&self.pending)?;
        Ok(r)
    }

    /// The record for an update at `now`: version one more than read.
    pub fn next_record(&self, now: i64) -> Result<UserRecord, Error> {
        let mut r = self.to_record()?;
        r.version += 1;
        r.updated_at = now;
        Ok(r)
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        attributes::get(&self.attributes, name)
    }

    /// The user's aliases and searchable attributes in `pool`.
    pub fn index(&self, pool: &UserPoolType) -> UserIndex {
        let case_sensitive = case_sensitive(pool);
        let key = |v: &str| if case_sensitive { v.to_string() } else { v.to_lowercase() };
        let mut aliases = Vec::new();
        let username_attrs = pool.username_attributes.as_deref().unwrap_or_default();
        let alias_attrs = pool.alias_attributes.as_deref().unwrap_or_default();
        for (kind, verified) in [("email", "email_verified"), ("phone_number", "phone_number_verified")] {
            let Some(value) = self.attribute(kind) else { continue };
            let as_username = username_attrs.iter().any(|u| u.as_str() == kind);
            let as_alias =
                alias_attrs.iter().any(|a| a.as_str() == kind) && attributes::is_true(&self.attributes, verified);
            if as_username || as_alias {
                aliases.push(AliasClaim { kind: kind.into(), key: key(value) });
            }
        }
        if alias_attrs.contains(&AliasAttributeType::PreferredUsername) {
            if let Some(v) = self.attribute("preferred_username") {
                aliases.push(AliasClaim { kind: "preferred_username".into(), key: key(v) });
            }
        }
        let mut search = vec![
            ("username".to_string(), self.record.username.clone()),
            ("cognito:user_status".to_string(), self.status.as_str().to_string()),
            ("status".to_string(), if self.record.enabled { "Enabled" } else { "Disabled" }.to_string()),
        ];
        for name in ["sub", "email", "phone_number", "name", "given_name", "family_name", "preferred_username"] {
            if let Some(v) = self.attribute(name) {
                search.push((name.to_string(), v.to_string()));
            }
        }
        UserIndex { aliases, search }
    }
}

/// Whether usernames (and email / preferred_username aliases) are case sensitive in `pool`;
/// the API's default is true.
pub fn case_sensitive(pool: &UserPoolType) -> bool {
    pool.username_configuration.as_ref().map(|c| c.case_sensitive).unwrap_or(true)
}

/// The lookup key of a username in `pool`.
pub fn username_key(pool: &UserPoolType, username: &str) -> String {
    if case_sensitive(pool) {
        username.to_string()
    } else {
        username.to_lowercase()
    }
}

/// Which attributes serve as the username in `pool` (email and/or phone number).
pub fn username_attributes(pool: &UserPoolType) -> &[UsernameAttributeType] {
    pool.username_attributes.as_deref().unwrap_or_default()
}
