//! The claims Cognito puts in access and ID tokens, as pure functions of their inputs. Owns claim
//! names, types and order; must not read the clock, draw ids, or sign anything.

use serde_json::{Map, Value};

/// `token_use` of an access token.
pub const TOKEN_USE_ACCESS: &str = "access";
/// `token_use` of an ID token.
pub const TOKEN_USE_ID: &str = "id";

/// Attributes Cognito stores as the strings `"true"`/`"false"` but puts in ID tokens as JSON booleans.
const BOOLEAN_ATTRIBUTES: [&str; 2] = ["email_verified", "phone_number_verified"];

/// Claims an ID token sets itself; an attribute of the same name must not replace them (a user
/// attribute able to say `token_use` or `iss` would be a privilege escalation).
const ID_RESERVED: [&str; 12] = [
    "sub",
    "cognito:groups",
    "iss",
    "cognito:username",
    "origin_jti",
    "aud",
    "event_id",
    "token_use",
    "auth_time",
    "exp",
    "iat",
    "jti",
];

/// The inputs of an access token. Times are epoch seconds chosen by the caller.
#[derive(Clone, Copy, Debug)]
pub struct AccessClaims<'a> {
    /// The user's `sub` attribute.
    pub sub: &'a str,
    /// The user's groups, in the order Cognito lists them (by precedence); omitted when empty.
    pub groups: &'a [String],
    /// The pool's issuer URL.
    pub issuer: &'a str,
    /// The app client the token was issued to.
    pub client_id: &'a str,
    /// The jti of the authentication this token descends from; stays the same across refreshes.
    pub origin_jti: &'a str,
    /// The authentication event's id.
    pub event_id: &'a str,
    /// Space-separated OAuth scopes, e.g. `aws.cognito.signin.user.admin`.
    pub scope: &'a str,
    /// When the user authenticated (not refreshed).
    pub auth_time: i64,
    /// When this token was issued.
    pub iat: i64,
    /// When this token expires.
    pub exp: i64,
    /// This token's id.
    pub jti: &'a str,
    /// The user's username (the `username` claim; ID tokens call it `cognito:username`).
    pub username: &'a str,
}

impl AccessClaims<'_> {
    /// The payload, members in Cognito's order: `sub`, `cognito:groups` (only if non-empty), `iss`,
    /// `client_id`, `origin_jti`, `event_id`, `token_use`, `scope`, `auth_time`, `exp`, `iat`, `jti`,
    /// `username`. (The order only shows when serde_json's `preserve_order` is on.)
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("sub".into(), self.sub.into());
        insert_groups(&mut m, self.groups);
        m.insert("iss".into(), self.issuer.into());
        m.insert("client_id".into(), self.client_id.into());
        m.insert("origin_jti".into(), self.origin_jti.into());
        m.insert("event_id".into(), self.event_id.into());
        m.insert("token_use".into(), TOKEN_USE_ACCESS.into());
        m.insert("scope".into(), self.scope.into());
        m.insert("auth_time".into(), self.auth_time.into());
        m.insert("exp".into(), self.exp.into());
        m.insert("iat".into(), self.iat.into());
        m.insert("jti".into(), self.jti.into());
        m.insert("username".into(), self.username.into());
        Value::Object(m)
    }
}

/// The inputs of an ID token. Times are epoch seconds chosen by the caller.
#[derive(Clone, Copy, Debug)]
pub struct IdClaims<'a> {
    /// The user's `sub` attribute.
    pub sub: &'a str,
    /// The user's groups; omitted when empty.
    pub groups: &'a [String],
    /// The pool's issuer URL.
    pub issuer: &'a str,
    /// The app client the token was issued to (the `aud` claim).
    pub audience: &'a str,
    /// The jti of the authentication this token descends from.
    pub origin_jti: &'a str,
    /// The authentication event's id.
    pub event_id: &'a str,
    /// When the user authenticated (not refreshed).
    pub auth_time: i64,
    /// When this token was issued.
    pub iat: i64,
    /// When this token expires.
    pub exp: i64,
    /// This token's id.
    pub jti: &'a str,
    /// The user's username (the `cognito:username` claim).
    pub username: &'a str,
    /// The user attributes the client may read, as stored (name, string value). `custom:*` included.
    pub attributes: &'a [(String, String)],
}

impl IdClaims<'_> {
    /// The payload: `sub`, `cognito:groups` (if any), the attributes (`email_verified` and
    /// `phone_number_verified` as JSON booleans, all others as strings), `iss`, `cognito:username`,
    /// `origin_jti`, `aud`, `event_id`, `token_use`, `auth_time`, `exp`, `iat`, `jti`. Attributes
    /// named like one of those claims (e.g. `sub`) are skipped: the claim is already there.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("sub".into(), self.sub.into());
        insert_groups(&mut m, self.groups);
        for (name, value) in self.attributes {
            if ID_RESERVED.contains(&name.as_str()) {
                continue;
            }
            let value = if BOOLEAN_ATTRIBUTES.contains(&name.as_str()) {
                Value::Bool(value == "true")
            } else {
                value.as_str().into()
            };
            m.insert(name.clone(), value);
        }
        m.insert("iss".into(), self.issuer.into());
        m.insert("cognito:username".into(), self.username.into());
        m.insert("origin_jti".into(), self.origin_jti.into());
        m.insert("aud".into(), self.audience.into());
        m.insert("event_id".into(), self.event_id.into());
        m.insert("token_use".into(), TOKEN_USE_ID.into());
        m.insert("auth_time".into(), self.auth_time.into());
        m.insert("exp".into(), self.exp.into());
        m.insert("iat".into(), self.iat.into());
        m.insert("jti".into(), self.jti.into());
        Value::Object(m)
    }
}

/// Cognito leaves `cognito:groups` out entirely for a user in no group, rather than sending `[]`.
fn insert_groups(m: &mut Map<String, Value>, groups: &[String]) {
    if !groups.is_empty() {
        m.insert("cognito:groups".into(), groups.iter().map(|g| Value::from(g.as_str())).collect());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Trf85aUHa";

    fn access(groups: &[String]) -> Value {
        AccessClaims {
            sub: "s",
            groups,
            issuer: ISS,
            client_id: "c",
            origin_jti: "o",
            event_id: "e",
            scope: "aws.cognito.signin.user.admin",
            auth_time: 10,
            iat: 20,
            exp: 3620,
            jti: "j",
            username: "alice",
        }
        .to_json()
    }

    fn id(groups: &[String], attributes: &[(String, String)]) -> Value {
        IdClaims {
            sub: "s",
            groups,
            issuer: ISS,
            audience: "c",
            origin_jti: "o",
            event_id: "e",
            auth_time: 10,
            iat: 20,
            exp: 3620,
            jti: "j",
            username: "alice",
            attributes,
        }
        .to_json()
    }

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn access_claims() {
        assert_eq!(
            access(&[]),
            json!({
                "sub": "s", "iss": ISS, "client_id": "c", "origin_jti": "o", "event_id": "e",
                "token_use": "access", "scope": "aws.cognito.signin.user.admin",
                "auth_time": 10, "exp": 3620, "iat": 20, "jti": "j", "username": "alice",
            })
        );
    }

    #[test]
    fn access_claims_omit_groups_when_empty() {
        assert!(access(&[]).get("cognito:groups").is_none());
        let groups = ["admins".to_owned(), "users".to_owned()];
        assert_eq!(access(&groups)["cognito:groups"], json!(["admins", "users"]));
    }

    #[test]
    fn id_claims() {
        let attributes = attrs(&[
            ("sub", "must-not-win"),
            ("email", "a@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+15555550100"),
            ("phone_number_verified", "false"),
            ("custom:tier", "3"),
        ]);
        assert_eq!(
            id(&["g".to_owned()], &attributes),
            json!({
                "sub": "s", "cognito:groups": ["g"],
                "email": "a@example.com", "email_verified": true,
                "phone_number": "+15555550100", "phone_number_verified": false,
                "custom:tier": "3",
                "iss": ISS, "cognito:username": "alice", "origin_jti": "o", "aud": "c", "event_id": "e",
                "token_use": "id", "auth_time": 10, "exp": 3620, "iat": 20, "jti": "j",
            })
        );
    }

    #[test]
    fn id_claims_booleans_only_true_for_true() {
        for (stored, claimed) in [("true", true), ("false", false), ("TRUE", false), ("", false)] {
            let c = id(&[], &attrs(&[("email_verified", stored)]));
            assert_eq!(c["email_verified"], json!(claimed), "{stored:?}");
        }
    }

    #[test]
    fn id_claims_attributes_cannot_override_reserved_claims() {
        let c = id(&[], &attrs(&[("token_use", "access"), ("iss", "evil"), ("cognito:groups", "admins")]));
        assert_eq!(c["token_use"], "id");
        assert_eq!(c["iss"], ISS);
        assert!(c.get("cognito:groups").is_none());
    }
}
