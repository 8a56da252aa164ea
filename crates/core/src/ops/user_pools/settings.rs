//! The settings CreateUserPool and UpdateUserPool share, and the defaults the service fills in
//! for what the caller leaves out. UpdateUserPool starts again from these defaults for every
//! setting it is not given, as the real service does.

use std::collections::BTreeMap;

use cognate_model::shapes::*;

use crate::error::{Error, Result};

/// The mutable settings of a pool, as given by CreateUserPool or UpdateUserPool.
#[derive(Debug, Default)]
pub(crate) struct PoolSettings {
    pub policies: Option<UserPoolPolicyType>,
    pub deletion_protection: Option<DeletionProtectionType>,
    pub lambda_config: Option<LambdaConfigType>,
    pub auto_verified_attributes: Option<Vec<VerifiedAttributeType>>,
    pub sms_verification_message: Option<String>,
    pub email_verification_message: Option<String>,
    pub email_verification_subject: Option<String>,
    pub verification_message_template: Option<VerificationMessageTemplateType>,
    pub sms_authentication_message: Option<String>,
    pub user_attribute_update_settings: Option<UserAttributeUpdateSettingsType>,
    pub mfa_configuration: Option<UserPoolMfaType>,
    pub device_configuration: Option<DeviceConfigurationType>,
    pub email_configuration: Option<EmailConfigurationType>,
    pub sms_configuration: Option<SmsConfigurationType>,
    pub user_pool_tags: Option<BTreeMap<String, String>>,
    pub admin_create_user_config: Option<AdminCreateUserConfigType>,
    pub user_pool_add_ons: Option<UserPoolAddOnsType>,
    pub account_recovery_setting: Option<AccountRecoverySettingType>,
    pub user_pool_tier: Option<UserPoolTierType>,
    pub acr_configuration: Option<BTreeMap<String, AcrLevelConfigType>>,
    pub dcr_configuration: Option<DcrConfigurationType>,
    pub issuer_configuration: Option<IssuerConfigurationType>,
    pub key_configuration: Option<KeyConfigurationType>,
}

/// The default password policy of a new pool.
pub fn default_password_policy() -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        temporary_password_validity_days: Some(7),
        password_history_size: None,
    }
}

/// A policy the caller gave, with the service's defaults for what it left out: unset
/// requirements are off, the length is 8 and temporary passwords live 7 days.
fn complete_password_policy(given: PasswordPolicyType) -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(given.minimum_length.unwrap_or(8)),
        require_uppercase: Some(given.require_uppercase.unwrap_or(false)),
        require_lowercase: Some(given.require_lowercase.unwrap_or(false)),
        require_numbers: Some(given.require_numbers.unwrap_or(false)),
        require_symbols: Some(given.require_symbols.unwrap_or(false)),
        temporary_password_validity_days: Some(given.temporary_password_validity_days.unwrap_or(7)),
        password_history_size: given.password_history_size,
    }
}

/// Writes `s` into `pool`, filling in defaults, after checking the rules between settings.
pub(crate) fn apply(pool: &mut UserPoolType, s: PoolSettings) -> Result<()> {
    let mfa = s.mfa_configuration.unwrap_or(UserPoolMfaType::Off);
    if mfa != UserPoolMfaType::Off && s.sms_configuration.is_none() {
        // AWS: CreateUserPool with MFA ON/OPTIONAL and no SMS configuration.
        return Err(Error::invalid_parameter(
            "SMS configuration and Auto verification for phone_number are required when MFA is required/optional",
        ));
    }
    let auto_verified = s.auto_verified_attributes.clone().unwrap_or_default();
    let update_settings = s
        .user_attribute_update_settings
        .unwrap_or(UserAttributeUpdateSettingsType { attributes_require_verification_before_update: Some(Vec::new()) });
    if let Some(required) = &update_settings.attributes_require_verification_before_update {
        if let Some(missing) = required.iter().find(|a| !auto_verified.contains(a)) {
            // AWS: exact text not captured; the rule is documented for UserAttributeUpdateSettings.
            return Err(Error::invalid_parameter(format!(
                "Attribute {missing} requires verification before update but is not in AutoVerifiedAttributes."
            )));
        }
    }

    let mut policies = s.policies.unwrap_or_default();
    policies.password_policy = Some(match policies.password_policy.take() {
        Some(given) => complete_password_policy(given),
        None => default_password_policy(),
    });
    let temporary_days = policies.password_policy.as_ref().and_then(|p| p.temporary_password_validity_days);

    // The legacy top-level message fields and the template mirror each other.
    let mut template = s.verification_message_template.unwrap_or_default();
    template.default_email_option.get_or_insert(DefaultEmailOptionType::ConfirmWithCode);
    if template.email_message.is_none() {
        template.email_message = s.email_verification_message.clone();
    }
    if template.email_subject.is_none() {
        template.email_subject = s.email_verification_subject.clone();
    }
    if template.sms_message.is_none() {
        template.sms_message = s.sms_verification_message.clone();
    }
    pool.email_verification_message = s.email_verification_message.or_else(|| template.email_message.clone());
    pool.email_verification_subject = s.email_verification_subject.or_else(|| template.email_subject.clone());
    pool.sms_verification_message = s.sms_verification_message.or_else(|| template.sms_message.clone());
    pool.verification_message_template = Some(template);

    let mut email = s.email_configuration.unwrap_or_default();
    email.email_sending_account.get_or_insert(EmailSendingAccountType::CognitoDefault);

    let mut admin_create = s.admin_create_user_config.unwrap_or_default();
    admin_create.allow_admin_create_user_only.get_or_insert(false);
    admin_create.unused_account_validity_days.get_or_insert(temporary_days.unwrap_or(7));

    pool.policies = Some(policies);
    pool.deletion_protection = Some(s.deletion_protection.unwrap_or(DeletionProtectionType::Inactive));
    pool.lambda_config = Some(s.lambda_config.unwrap_or_default());
    pool.auto_verified_attributes = s.auto_verified_attributes;
    pool.sms_authentication_message = s.sms_authentication_message;
    pool.user_attribute_update_settings = Some(update_settings);
    pool.mfa_configuration = Some(mfa);
    pool.device_configuration = s.device_configuration;
    pool.email_configuration = Some(email);
    pool.sms_configuration = s.sms_configuration;
    pool.user_pool_tags = s.user_pool_tags;
    pool.admin_create_user_config = Some(admin_create);
    pool.user_pool_add_ons = s.user_pool_add_ons;
    pool.account_recovery_setting = s.account_recovery_setting;
    pool.user_pool_tier = Some(s.user_pool_tier.unwrap_or(UserPoolTierType::Essentials));
    pool.acr_configuration = s.acr_configuration;
    pool.dcr_configuration = s.dcr_configuration;
    pool.issuer_configuration = s.issuer_configuration;
    pool.key_configuration = s.key_configuration;
    Ok(())
}
