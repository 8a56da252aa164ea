//! GetGroup.

use cognate_model::shapes::{GetGroupRequest, GetGroupResponse};

use crate::{Error, Services};

/// The group.
pub async fn get_group(svc: &Services, input: GetGroupRequest) -> Result<GetGroupResponse, Error> {
    let (_, group) = super::load(svc, &input.user_pool_id, &input.group_name).await?;
    Ok(GetGroupResponse { group: Some(group) })
}
