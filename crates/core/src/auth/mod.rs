//! Sign-in: Cognito's SRP variant and the pieces the auth flows share.

pub mod access;
pub mod lockout;
pub mod pool_keys;
pub mod secret_hash;
pub mod session;
pub mod srp;
