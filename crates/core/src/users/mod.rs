//! Users as the domain sees them: the parsed record, usernames and aliases, attributes, the
//! password policy and the masking of destinations. Knows nothing about storage or HTTP.

pub mod attributes;
pub mod mask;
pub mod password_policy;
mod user;

pub use user::{case_sensitive, username_attributes, username_key, StoredPassword, User};
