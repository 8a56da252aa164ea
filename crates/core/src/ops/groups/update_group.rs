//! UpdateGroup.

use cognate_model::shapes::{UpdateGroupRequest, UpdateGroupResponse};

use crate::ops::to_document;
use crate::ports::clock::epoch_seconds;
use crate::{Error, Services};

/// Changes what the request gives of a group's description, role and precedence.
pub async fn update_group(svc: &Services, input: UpdateGroupRequest) -> Result<UpdateGroupResponse, Error> {
    let (mut record, mut group) = super::load(svc, &input.user_pool_id, &input.group_name).await?;
    if input.description.is_some() {
        group.description = input.description;
    }
    if input.role_arn.is_some() {
        group.role_arn = input.role_arn;
    }
    if input.precedence.is_some() {
        group.precedence = input.precedence;
    }
    group.last_modified_date = Some(epoch_seconds(svc.clock.now_millis()));
    record.document = to_document(&group)?;
    record.precedence = group.precedence.map(i64::from);
    if !svc.store.update_group(&record).await? {
        return Err(super::group_not_found());
    }
    Ok(UpdateGroupResponse { group: Some(group) })
}
