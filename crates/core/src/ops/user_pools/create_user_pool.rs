//! CreateUserPool.

use cognate_model::shapes::{CreateUserPoolRequest, CreateUserPoolResponse, UserPoolType};

use super::settings::{apply, PoolSettings};
use super::{schema, to_document};
use crate::error::{Error, Result};
use crate::ids;
use crate::ports::clock::epoch_seconds;
use crate::ports::PoolRecord;
use crate::Services;

/// Creates a pool with the caller's settings and the service's defaults for the rest.
pub async fn create_user_pool(svc: &Services, input: CreateUserPoolRequest) -> Result<CreateUserPoolResponse> {
    if input.alias_attributes.as_ref().is_some_and(|a| !a.is_empty())
        && input.username_attributes.as_ref().is_some_and(|a| !a.is_empty())
    {
        // AWS: the two settings are documented as mutually exclusive; exact text not captured.
        return Err(Error::invalid_parameter(
            "Only one of AliasAttributes or UsernameAttributes can be set in a user pool.",
        ));
    }
    let now = svc.clock.now_millis();
    let id = ids::user_pool_id(svc.rng.as_ref(), &svc.config.region);
    let mut pool = UserPoolType {
        id: Some(id.clone()),
        name: Some(input.pool_name.clone()),
        arn: Some(ids::user_pool_arn(&svc.config.region, &svc.config.account_id, &id)),
        creation_date: Some(epoch_seconds(now)),
        last_modified_date: Some(epoch_seconds(now)),
        schema_attributes: Some(schema::build(input.schema.unwrap_or_default())?),
        alias_attributes: input.alias_attributes,
        username_attributes: input.username_attributes,
        username_configuration: input.username_configuration,
        estimated_number_of_users: Some(0),
        ..Default::default()
    };
    apply(
        &mut pool,
        PoolSettings {
            policies: input.policies,
            deletion_protection: input.deletion_protection,
            lambda_config: input.lambda_config,
            auto_verified_attributes: input.auto_verified_attributes,
            sms_verification_message: input.sms_verification_message,
            email_verification_message: input.email_verification_message,
            email_verification_subject: input.email_verification_subject,
            verification_message_template: input.verification_message_template,
            sms_authentication_message: input.sms_authentication_message,
            user_attribute_update_settings: input.user_attribute_update_settings,
            mfa_configuration: input.mfa_configuration,
            device_configuration: input.device_configuration,
            email_configuration: input.email_configuration,
            sms_configuration: input.sms_configuration,
            user_pool_tags: input.user_pool_tags,
            admin_create_user_config: input.admin_create_user_config,
            user_pool_add_ons: input.user_pool_add_ons,
            account_recovery_setting: input.account_recovery_setting,
            user_pool_tier: input.user_pool_tier,
            acr_configuration: input.acr_configuration,
            dcr_configuration: input.dcr_configuration,
            issuer_configuration: input.issuer_configuration,
            key_configuration: input.key_configuration,
        },
    )?;
    let record = PoolRecord { id, name: input.pool_name, document: to_document(&pool)?, created_at: now, version: 1 };
    svc.store.insert_pool(&record).await?;
    Ok(CreateUserPoolResponse { user_pool: Some(pool) })
}
