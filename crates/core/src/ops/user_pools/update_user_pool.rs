//! UpdateUserPool.

use cognate_model::shapes::{UpdateUserPoolRequest, UpdateUserPoolResponse};

use super::settings::{apply, PoolSettings};
use crate::error::Result;
use crate::Services;

/// Replaces the pool's mutable settings. As in the real service, a setting the request leaves
/// out returns to its default; the id, name (unless given), schema and sign-in attributes stay.
pub async fn update_user_pool(svc: &Services, input: UpdateUserPoolRequest) -> Result<UpdateUserPoolResponse> {
    super::modify(svc, &input.user_pool_id, |pool| {
        if let Some(name) = &input.pool_name {
            pool.name = Some(name.clone());
        }
        let i = input.clone();
        apply(
            pool,
            PoolSettings {
                policies: i.policies,
                deletion_protection: i.deletion_protection,
                lambda_config: i.lambda_config,
                auto_verified_attributes: i.auto_verified_attributes,
                sms_verification_message: i.sms_verification_message,
                email_verification_message: i.email_verification_message,
                email_verification_subject: i.email_verification_subject,
                verification_message_template: i.verification_message_template,
                sms_authentication_message: i.sms_authentication_message,
                user_attribute_update_settings: i.user_attribute_update_settings,
                mfa_configuration: i.mfa_configuration,
                device_configuration: i.device_configuration,
                email_configuration: i.email_configuration,
                sms_configuration: i.sms_configuration,
                user_pool_tags: i.user_pool_tags,
                admin_create_user_config: i.admin_create_user_config,
                user_pool_add_ons: i.user_pool_add_ons,
                account_recovery_setting: i.account_recovery_setting,
                user_pool_tier: i.user_pool_tier,
                acr_configuration: i.acr_configuration,
                dcr_configuration: i.dcr_configuration,
                issuer_configuration: i.issuer_configuration,
                key_configuration: i.key_configuration,
            },
        )
    })
    .await?;
    Ok(UpdateUserPoolResponse::default())
}
