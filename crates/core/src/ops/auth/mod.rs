//! Sign-in: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
//! AdminRespondToAuthChallenge with the password, SRP, refresh-token and new-password flows.

mod admin_initiate_auth;
mod admin_respond_to_auth_challenge;
mod flows;
mod get_tokens_from_refresh_token;
mod initiate_auth;
mod respond_to_auth_challenge;
mod revoke_token;

pub use admin_initiate_auth::admin_initiate_auth;
pub use admin_respond_to_auth_challenge::admin_respond_to_auth_challenge;
pub(crate) use flows::incorrect;
pub use get_tokens_from_refresh_token::get_tokens_from_refresh_token;
pub use initiate_auth::initiate_auth;
pub use respond_to_auth_challenge::respond_to_auth_challenge;
pub use revoke_token::revoke_token;
