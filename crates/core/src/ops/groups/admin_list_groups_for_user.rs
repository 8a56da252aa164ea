//! AdminListGroupsForUser.

use cognate_model::shapes::{AdminListGroupsForUserRequest, AdminListGroupsForUserResponse, GroupType};

use crate::ops::from_document;
use crate::ops::users::admin_target;
use crate::{pagination, Error, Services};

/// The user's groups, by precedence.
pub async fn admin_list_groups_for_user(
    svc: &Services,
    input: AdminListGroupsForUserRequest,
) -> Result<AdminListGroupsForUserResponse, Error> {
    let (_, user) = admin_target(svc, &input.user_pool_id, &input.username).await?;
    let all = svc.store.groups_of(&input.user_pool_id, &user.record.username_key).await?;
    let start = match input.next_token.as_deref().map(pagination::decode).transpose()? {
        Some(after) => all.iter().position(|g| g.name == after).map(|i| i + 1).unwrap_or(all.len()),
        None => 0,
    };
    let limit = input.limit.and_then(|l| usize::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(60);
    let rows: Vec<_> = all.into_iter().skip(start).take(limit + 1).collect();
    let (rows, next_token) = pagination::page(rows, limit, |r| r.name.as_str());
    let groups = rows.iter().map(|r| from_document::<GroupType>(&r.document)).collect::<Result<_, _>>()?;
    Ok(AdminListGroupsForUserResponse { groups: Some(groups), next_token })
}
