//! The Cognito user pools service: domain rules and one function per operation, behind the
//! generated `CognitoIdp` trait. Reads time and randomness from the ports it is given; knows
//! nothing about HTTP or SQL.

pub mod auth;
pub mod codes;
pub mod delivery;
pub mod error;
pub mod ids;
pub mod messages;
pub mod ops;
pub mod pagination;
pub mod ports;
mod service;
pub mod tokens;
pub mod triggers;
pub mod users;
pub mod vault;

pub use error::Error;
pub use service::{Channels, Cognito, Limit, Limits, ServiceConfig, Services};
