//! ListUsersInGroup.

use cognate_model::shapes::{ListUsersInGroupRequest, ListUsersInGroupResponse};

use crate::ops::users::user_type;
use crate::users::User;
use crate::{pagination, Error, Services};

/// A page of a group's members.
pub async fn list_users_in_group(
    svc: &Services,
    input: ListUsersInGroupRequest,
) -> Result<ListUsersInGroupResponse, Error> {
    super::load(svc, &input.user_pool_id, &input.group_name).await?;
    let after = input.next_token.as_deref().map(pagination::decode).transpose()?;
    let limit = input.limit.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(60);
    let rows = svc.store.members(&input.user_pool_id, &input.group_name, after.as_deref(), limit + 1).await?;
    let (rows, next_token) = pagination::page(rows, limit as usize, |r| r.username_key.as_str());
    let users =
        rows.into_iter().map(|r| User::from_record(r).map(|u| user_type(&u, None))).collect::<Result<_, _>>()?;
    Ok(ListUsersInGroupResponse { users: Some(users), next_token })
}
