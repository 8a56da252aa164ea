//! CreateGroup.

use cognate_model::shapes::{CreateGroupRequest, CreateGroupResponse, GroupType};
use cognate_model::ErrorCode;

use crate::ops::{to_document, user_pools};
use crate::ports::clock::epoch_seconds;
use crate::ports::store::{GroupRecord, StoreError};
use crate::{messages, Error, Services};

/// Creates a group.
pub async fn create_group(svc: &Services, input: CreateGroupRequest) -> Result<CreateGroupResponse, Error> {
    user_pools::load(svc, &input.user_pool_id).await?;
    let now = svc.clock.now_millis();
    let group = GroupType {
        group_name: Some(input.group_name.clone()),
        user_pool_id: Some(input.user_pool_id.clone()),
        description: input.description,
        role_arn: input.role_arn,
        precedence: input.precedence,
        last_modified_date: Some(epoch_seconds(now)),
        creation_date: Some(epoch_seconds(now)),
    };
    let record = GroupRecord {
        pool_id: input.user_pool_id.clone(),
        name: input.group_name.clone(),
        document: to_document(&group)?,
        precedence: group.precedence.map(i64::from),
        created_at: now,
    };
    match svc.store.create_group(&record).await {
        Ok(true) => Ok(CreateGroupResponse { group: Some(group) }),
        Ok(false) => Err(messages::user_pool_not_found(&input.user_pool_id)),
        Err(StoreError::Conflict { .. }) => Err(Error::service(
            ErrorCode::GroupExistsException,
            format!("A group with the name {} already exists.", input.group_name),
        )),
        Err(e) => Err(e.into()),
    }
}
