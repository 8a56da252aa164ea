//! ListUsers.

use cognate_model::shapes::{ListUsersRequest, ListUsersResponse};

use super::user_type;
use crate::ops::user_pools;
use crate::ports::store::UserFilter;
use crate::users::User;
use crate::{pagination, Error, Services};

/// The attributes ListUsers can filter on.
pub const SEARCHABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

/// Parses `attribute = "value"` or `attribute ^= "value"`.
pub fn parse_filter(filter: &str) -> Result<UserFilter, Error> {
    let bad = || Error::invalid_parameter("Error while parsing filter.");
    let (name, rest, prefix) = if let Some((n, r)) = filter.split_once("^=") {
        (n, r, true)
    } else if let Some((n, r)) = filter.split_once('=') {
        (n, r, false)
    } else {
        return Err(bad());
    };
    let name = name.trim();
    let rest = rest.trim();
    let value = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or_else(bad)?;
    let value = value.replace("\\\"", "\"");
    if !SEARCHABLE.contains(&name) {
        return Err(Error::invalid_parameter(format!("Invalid search attribute: {name}")));
    }
    Ok(UserFilter { name: name.to_string(), value, prefix })
}

/// A page of users, optionally filtered by one searchable attribute.
pub async fn list_users(svc: &Services, input: ListUsersRequest) -> Result<ListUsersResponse, Error> {
    user_pools::load(svc, &input.user_pool_id).await?;
    let filter = input.filter.as_deref().filter(|f| !f.trim().is_empty()).map(parse_filter).transpose()?;
    let after = input.pagination_token.as_deref().map(pagination::decode).transpose()?;
    let limit = input.limit.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(60);
    let rows = svc.store.list_users(&input.user_pool_id, filter.as_ref(), after.as_deref(), limit + 1).await?;
    let (rows, pagination_token) = pagination::page(rows, limit as usize, |r| r.username_key.as_str());
    let only = input.attributes_to_get.as_deref();
    let users =
        rows.into_iter().map(|r| User::from_record(r).map(|u| user_type(&u, only))).collect::<Result<_, _>>()?;
    Ok(ListUsersResponse { users: Some(users), pagination_token })
}

#[cfg(test)]
mod tests {
    use super::parse_filter;

    #[test]
    fn filters_parse_with_or_without_spaces() {
        let f = parse_filter("email ^= \"jane\"").unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str(), f.prefix), ("email", "jane", true));
        let f = parse_filter("username=\"bob\"").unwrap();
        assert_eq!((f.name.as_str(), f.value.as_str(), f.prefix), ("username", "bob", false));
        assert!(parse_filter("custom:x = \"1\"").is_err());
        assert!(parse_filter("email = jane").is_err());
    }
}
