//! Plain HTTP endpoints beside the API: health, the pools' JWKS and OpenID discovery, and the
//! development messages API.

pub mod health;
pub mod messages;
pub mod well_known;
