//! SECRET_HASH: `Base64(HMAC_SHA256(client secret, username ‖ client id))`, required from
//! clients that have a secret, refused from clients that have none.

use aws_lc_rs::hmac;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::shapes::UserPoolClientType;
use cognate_model::ErrorCode;
use subtle::ConstantTimeEq;

use crate::Error;

/// The SECRET_HASH a client computes.
pub fn compute(client_secret: &str, username: &str, client_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, client_secret.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(username.as_bytes());
    ctx.update(client_id.as_bytes());
    STANDARD.encode(ctx.sign().as_ref())
}

/// Checks the SECRET_HASH a request carries against the client, in constant time.
pub fn check(client: &UserPoolClientType, username: &str, given: Option<&str>) -> Result<(), Error> {
    let client_id = client.client_id.as_deref().unwrap_or_default();
    match (client.client_secret.as_deref(), given) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Error::invalid_parameter(format!(
            "App client {client_id} is not configured for secret but secret hash was received"
        ))),
        (Some(_), None) => Err(Error::service(
            ErrorCode::NotAuthorizedException,
            format!("Client {client_id} is configured with secret but SECRET_HASH was not received"),
        )),
        (Some(secret), Some(hash)) => {
            let expected = compute(secret, username, client_id);
            if bool::from(expected.as_bytes().ct_eq(hash.as_bytes())) {
                Ok(())
            } else {
                Err(Error::service(
                    ErrorCode::NotAuthorizedException,
                    format!("SecretHash does not match for the client: {client_id}"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_matches_the_documented_construction() {
        // Computed with Python: base64(hmac.new(b"secret", b"aliceclient1", sha256).digest())
        assert_eq!(compute("secret", "alice", "client1"), "1f+jIZ5jrvd9T9LKNEBwDVXuGhIxTem62DTEPkKb29k=");
    }

    #[test]
    fn missing_wrong_and_unexpected_hashes_are_refused_with_their_texts() {
        let with = UserPoolClientType {
            client_id: Some("c1".into()),
            client_secret: Some("secret".into()),
            ..Default::default()
        };
        let without = UserPoolClientType { client_id: Some("c2".into()), ..Default::default() };
        let text = |r: Result<(), Error>| match r {
            Err(Error::Service(e)) => format!("{}: {}", e.code.as_str(), e.message),
            other => format!("{other:?}"),
        };
        assert!(check(&with, "alice", Some(&compute("secret", "alice", "c1"))).is_ok());
        assert_eq!(
            text(check(&with, "alice", None)),
            "NotAuthorizedException: Client c1 is configured with secret but SECRET_HASH was not received"
        );
        assert_eq!(
            text(check(&with, "alice", Some("bm9wZQ=="))),
            "NotAuthorizedException: SecretHash does not match for the client: c1"
        );
        assert_eq!(
            text(check(&without, "alice", Some("x"))),
            "InvalidParameterException: App client c2 is not configured for secret but secret hash was received"
        );
        assert!(check(&without, "alice", None).is_ok());
    }
}
