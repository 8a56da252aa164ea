//! Request-rate quotas: per-operation-category rates as the real service has them, answered with
//! `TooManyRequestsException` "Rate exceeded". Off by default, so local development is never
//! throttled unexpectedly; `aws` applies the service's default rates; a table sets custom ones.
//! Rates are counted per instance (a token bucket per category).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use cognate_model::{ErrorCode, Operation, ServiceError};

/// An operation's quota category and the service's default rate (requests per second).
pub fn category(op: Operation) -> Option<(&'static str, u32)> {
    use Operation::*;
    Some(match op {
        InitiateAuth | AdminInitiateAuth | RespondToAuthChallenge | AdminRespondToAuthChallenge => {
            ("UserAuthentication", 120)
        }
        SignUp | ConfirmSignUp | AdminCreateUser | AdminConfirmSignUp => ("UserCreation", 50),
        ForgotPassword | ConfirmForgotPassword | ChangePassword | AdminResetUserPassword | AdminSetUserPassword => {
            ("UserAccountRecovery", 30)
        }
        GetUser | AdminGetUser => ("UserRead", 120),
        UpdateUserAttributes
        | AdminUpdateUserAttributes
        | DeleteUserAttributes
        | AdminDeleteUserAttributes
        | AdminDisableUser
        | AdminEnableUser
        | AdminDeleteUser
        | DeleteUser
        | VerifyUserAttribute
        | GlobalSignOut
        | AdminUserGlobalSignOut => ("UserUpdate", 25),
        RevokeToken | GetTokensFromRefreshToken => ("UserToken", 120),
        // AWS: GetUserAttributeVerificationCode and ResendConfirmationCode are filed here by a
        // third-party table (the category lists are collapsed in the public docs).
        GetUserAttributeVerificationCode | ResendConfirmationCode | AdminListGroupsForUser => ("UserResourceRead", 50),
        AdminAddUserToGroup | AdminRemoveUserFromGroup => ("UserResourceUpdate", 25),
        ListUsers | ListUsersInGroup => ("UserList", 30),
        DescribeUserPool | ListUserPools => ("UserPoolRead", 15),
        CreateUserPool | UpdateUserPool | DeleteUserPool | AddCustomAttributes => ("UserPoolUpdate", 15),
        GetGroup | ListGroups => ("UserPoolResourceRead", 20),
        CreateGroup | UpdateGroup | DeleteGroup => ("UserPoolResourceUpdate", 15),
        DescribeUserPoolClient | ListUserPoolClients => ("UserPoolClientRead", 15),
        CreateUserPoolClient | UpdateUserPoolClient | DeleteUserPoolClient => ("UserPoolClientUpdate", 15),
        _ => return None,
    })
}

/// Every category with its default rate.
pub fn categories() -> Vec<(&'static str, u32)> {
    let mut all: Vec<_> = Operation::ALL.iter().filter_map(|op| category(*op)).collect();
    all.sort();
    all.dedup();
    all
}

struct Bucket {
    rate: f64,
    tokens: f64,
    updated: Instant,
}

/// The configured rates and their buckets.
#[derive(Default)]
pub struct Quotas {
    buckets: HashMap<&'static str, Mutex<Bucket>>,
}

impl Quotas {
    /// Quotas with the given rate per category (categories left out are not limited).
    pub fn new(rates: &HashMap<String, u32>) -> Self {
        let now = Instant::now();
        let buckets = categories()
            .into_iter()
            .filter_map(|(name, _)| rates.get(name).map(|r| (name, *r)))
            .map(|(name, rate)| {
                let rate = f64::from(rate.max(1));
                (name, Mutex::new(Bucket { rate, tokens: rate, updated: now }))
            })
            .collect();
        Self { buckets }
    }

    /// The service's default rates.
    pub fn aws() -> Self {
        Self::new(&categories().into_iter().map(|(n, r)| (n.to_string(), r)).collect())
    }

    /// Takes one request of `op` from its category's bucket; `TooManyRequestsException` when empty.
    pub fn check(&self, op: Operation) -> Result<(), ServiceError> {
        let Some((name, _)) = category(op) else { return Ok(()) };
        let Some(bucket) = self.buckets.get(name) else { return Ok(()) };
        let Ok(mut b) = bucket.lock() else { return Ok(()) };
        let now = Instant::now();
        let elapsed = now.duration_since(b.updated).as_secs_f64();
        b.tokens = (b.tokens + elapsed * b.rate).min(b.rate);
        b.updated = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(ServiceError::new(ErrorCode::TooManyRequestsException, "Rate exceeded"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_allows_its_rate_then_refuses() {
        let q = Quotas::new(&HashMap::from([("UserRead".to_string(), 2)]));
        assert!(q.check(Operation::GetUser).is_ok());
        assert!(q.check(Operation::AdminGetUser).is_ok());
        let e = q.check(Operation::GetUser).unwrap_err();
        assert_eq!((e.code, e.message.as_ref()), (ErrorCode::TooManyRequestsException, "Rate exceeded"));
        // Other categories are not limited.
        for _ in 0..10 {
            assert!(q.check(Operation::ListUsers).is_ok());
        }
    }

    #[test]
    fn the_aws_table_names_every_category_of_the_spec() {
        let names: Vec<_> = categories().into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"UserResourceRead") && names.contains(&"UserAuthentication"));
        assert!(Quotas::aws().check(Operation::GetUserAttributeVerificationCode).is_ok());
    }
}
