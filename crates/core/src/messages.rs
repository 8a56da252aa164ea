//! Canonical error messages. Clients (Amplify, the SDKs' callers) match on these texts, so
//! they are written once, here, as the real service words them.

use crate::Error;

/// `ResourceNotFoundException` for an unknown user pool.
// AWS: "User pool us-east-2_<id> does not exist." (aws/aws-aspnet-cognito-identity-provider #135)
pub fn user_pool_not_found(pool_id: &str) -> Error {
    Error::resource_not_found(format!("User pool {pool_id} does not exist."))
}

/// `ResourceNotFoundException` for an unknown app client.
// AWS: "User pool client {id} does not exist." (aws/aws-sdk-php #2183)
pub fn user_pool_client_not_found(client_id: &str) -> Error {
    Error::resource_not_found(format!("User pool client {client_id} does not exist."))
}

/// `InvalidParameterException` when a custom attribute name is taken.
// AWS: "Existing attribute already has name custom:name." (serverless-cognito-add-custom-attributes #3)
pub fn attribute_exists(name: &str) -> Error {
    Error::invalid_parameter(format!("Existing attribute already has name {name}."))
}

/// `InvalidParameterException` when deleting a protected pool.
pub fn deletion_protected() -> Error {
    Error::invalid_parameter(
        "The user pool cannot be deleted because deletion protection is activated. \
         Deletion protection must be inactivated first.",
    )
}

/// `InvalidParameterException` for an unreadable pagination token.
pub fn invalid_pagination_token() -> Error {
    Error::invalid_parameter("Invalid pagination token.")
}
