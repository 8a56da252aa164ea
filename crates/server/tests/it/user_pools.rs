//! CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
//! AddCustomAttributes through the SDK.

use std::collections::HashSet;

use aws_sdk_cognitoidentityprovider::types::*;

use crate::harness::{error_of, spawn, START_MILLIS};

fn custom(name: &str, t: AttributeDataType) -> SchemaAttributeType {
    SchemaAttributeType::builder().name(name).attribute_data_type(t).build()
}

#[tokio::test]
async fn a_pool_created_with_only_a_name_describes_with_the_services_defaults() {
    let s = spawn().await;
    let id = s.pool("minimal").await;
    let pool = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();

    assert!(
        id.starts_with("us-east-1_") && id.len() == 19 && id[10..].chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(pool.arn(), Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}").as_str()));
    assert_eq!(pool.name(), Some("minimal"));
    let created = pool.creation_date().unwrap();
    assert_eq!(created.secs(), START_MILLIS / 1000);
    assert_eq!(pool.last_modified_date(), Some(created));

    let names: Vec<_> = pool.schema_attributes().iter().map(|a| a.name().unwrap()).collect();
    assert_eq!(
        names,
        [
            "sub",
            "name",
            "given_name",
            "family_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "email",
            "email_verified",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "phone_number",
            "phone_number_verified",
            "address",
            "updated_at"
        ]
    );
    let sub = &pool.schema_attributes()[0];
    assert_eq!((sub.mutable(), sub.required()), (Some(false), Some(true)));
    assert_eq!(sub.string_attribute_constraints().unwrap().min_length(), Some("1"));
    let verified = pool.schema_attributes().iter().find(|a| a.name() == Some("email_verified")).unwrap();
    assert_eq!(verified.attribute_data_type(), Some(&AttributeDataType::Boolean));
    let updated = pool.schema_attributes().iter().find(|a| a.name() == Some("updated_at")).unwrap();
    assert_eq!(updated.number_attribute_constraints().unwrap().min_value(), Some("0"));
    let birthdate = pool.schema_attributes().iter().find(|a| a.name() == Some("birthdate")).unwrap();
    assert_eq!(birthdate.string_attribute_constraints().unwrap().max_length(), Some("10"));

    let policy = pool.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(8));
    assert_eq!(
        (policy.require_uppercase(), policy.require_lowercase(), policy.require_numbers(), policy.require_symbols()),
        (true, true, true, true)
    );
    assert_eq!(policy.temporary_password_validity_days(), 7);
    assert_eq!(
        pool.verification_message_template().unwrap().default_email_option(),
        Some(&DefaultEmailOptionType::ConfirmWithCode)
    );
    assert_eq!(
        pool.email_configuration().unwrap().email_sending_account(),
        Some(&EmailSendingAccountType::CognitoDefault)
    );
    let admin = pool.admin_create_user_config().unwrap();
    assert_eq!((admin.allow_admin_create_user_only(), admin.unused_account_validity_days()), (false, 7));
    assert_eq!(pool.mfa_configuration(), Some(&UserPoolMfaType::Off));
    assert!(pool.lambda_config().is_some());
    assert_eq!(pool.estimated_number_of_users(), 0);
    assert_eq!(pool.deletion_protection(), Some(&DeletionProtectionType::Inactive));
    assert_eq!(pool.user_pool_tier(), Some(&UserPoolTierType::Essentials));
    assert!(pool.account_recovery_setting().is_none());
    assert!(pool.auto_verified_attributes().is_empty());
}

#[tokio::test]
async fn settings_given_at_creation_are_returned_as_given() {
    let s = spawn().await;
    let template = VerificationMessageTemplateType::builder()
        .sms_message("Your code is {####}")
        .email_message("Hello, your code is {####}")
        .email_subject("Welcome")
        .build();
    let out = s
        .client
        .create_user_pool()
        .pool_name("full")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .username_attributes(UsernameAttributeType::Email)
        .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
        .verification_message_template(template)
        .email_configuration(
            EmailConfigurationType::builder()
                .email_sending_account(EmailSendingAccountType::Developer)
                .from("Team <team@example.com>")
                .source_arn("arn:aws:ses:us-east-1:123456789012:identity/example.com")
                .build(),
        )
        .lambda_config(
            LambdaConfigType::builder().custom_message("arn:aws:lambda:us-east-1:123456789012:function:msg").build(),
        )
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        )
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(12).require_numbers(true).build())
                .build(),
        )
        .account_recovery_setting(
            AccountRecoverySettingType::builder()
                .recovery_mechanisms(
                    RecoveryOptionType::builder()
                        .name(RecoveryOptionNameType::VerifiedEmail)
                        .priority(1)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .user_pool_tags("team", "identity")
        .deletion_protection(DeletionProtectionType::Active)
        .schema(custom("tenant", AttributeDataType::String))
        .schema(SchemaAttributeType::builder().name("email").required(true).build())
        .send()
        .await
        .unwrap();
    let id = out.user_pool().unwrap().id().unwrap().to_string();
    let pool = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(pool, out.user_pool.clone().unwrap(), "describe returns what create returned");
    assert_eq!(pool.auto_verified_attributes(), [VerifiedAttributeType::Email]);
    assert_eq!(pool.username_attributes(), [UsernameAttributeType::Email]);
    assert!(!pool.username_configuration().unwrap().case_sensitive());
    let t = pool.verification_message_template().unwrap();
    assert_eq!(t.email_subject(), Some("Welcome"));
    assert_eq!(t.sms_message(), Some("Your code is {####}"));
    assert_eq!(pool.email_configuration().unwrap().from(), Some("Team <team@example.com>"));
    assert_eq!(
        pool.lambda_config().unwrap().custom_message(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:msg")
    );
    assert_eq!(
        pool.user_attribute_update_settings().unwrap().attributes_require_verification_before_update(),
        [VerifiedAttributeType::Email]
    );
    let policy = pool.policies().unwrap().password_policy().unwrap();
    assert_eq!((policy.minimum_length(), policy.require_numbers(), policy.require_symbols()), (Some(12), true, false));
    assert_eq!(pool.account_recovery_setting().unwrap().recovery_mechanisms().len(), 1);
    assert_eq!(pool.user_pool_tags().unwrap().get("team").map(String::as_str), Some("identity"));
    let tenant = pool.schema_attributes().iter().find(|a| a.name() == Some("custom:tenant")).unwrap();
    assert_eq!(tenant.attribute_data_type(), Some(&AttributeDataType::String));
    assert_eq!(tenant.mutable(), Some(true));
    let email = pool.schema_attributes().iter().find(|a| a.name() == Some("email")).unwrap();
    assert_eq!(email.required(), Some(true));
}

#[tokio::test]
async fn update_user_pool_resets_what_it_is_not_given_and_keeps_what_is_immutable() {
    let s = spawn().await;
    let out = s
        .client
        .create_user_pool()
        .pool_name("p")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .alias_attributes(AliasAttributeType::PreferredUsername)
        .schema(custom("team", AttributeDataType::String))
        .mfa_configuration(UserPoolMfaType::Off)
        .send()
        .await
        .unwrap();
    let before = out.user_pool.unwrap();
    let id = before.id().unwrap().to_string();
    s.clock.advance(60_000);
    s.client.update_user_pool().user_pool_id(&id).user_pool_tags("k", "v").send().await.unwrap();
    let after = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert!(after.auto_verified_attributes().is_empty(), "not given, so back to the default");
    assert_eq!(after.user_pool_tags().unwrap().get("k").map(String::as_str), Some("v"));
    assert_eq!(after.alias_attributes(), before.alias_attributes());
    assert_eq!(after.schema_attributes(), before.schema_attributes());
    assert_eq!(after.id(), before.id());
    assert_eq!(after.name(), Some("p"));
    assert_eq!(after.creation_date(), before.creation_date());
    assert_eq!(after.last_modified_date().unwrap().secs(), before.last_modified_date().unwrap().secs() + 60);
}

#[tokio::test]
async fn an_update_breaking_a_rule_changes_nothing() {
    let s = spawn().await;
    let id = s.pool("p").await;
    let before = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    let e = s
        .client
        .update_user_pool()
        .user_pool_id(&id)
        .mfa_configuration(UserPoolMfaType::On)
        .user_pool_tags("k", "v")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(e);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("SMS configuration"), "{message}");
    let after = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn unknown_pools_are_resource_not_found_with_the_real_text() {
    let s = spawn().await;
    let id = "us-east-1_NoSuchPool";
    let expected = ("ResourceNotFoundException".to_string(), format!("User pool {id} does not exist."));
    assert_eq!(error_of(s.client.describe_user_pool().user_pool_id(id).send().await.unwrap_err()), expected);
    assert_eq!(error_of(s.client.update_user_pool().user_pool_id(id).send().await.unwrap_err()), expected);
    assert_eq!(error_of(s.client.delete_user_pool().user_pool_id(id).send().await.unwrap_err()), expected);
    let e = s
        .client
        .add_custom_attributes()
        .user_pool_id(id)
        .custom_attributes(custom("x", AttributeDataType::String))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(e), expected);
    assert_eq!(
        error_of(s.client.create_user_pool_client().user_pool_id(id).client_name("c").send().await.unwrap_err()),
        expected
    );
    assert_eq!(error_of(s.client.list_user_pool_clients().user_pool_id(id).send().await.unwrap_err()), expected);
}

#[tokio::test]
async fn custom_attributes_are_added_once_and_at_most_fifty() {
    let s = spawn().await;
    let id = s.pool("p").await;
    s.client
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(custom("plan", AttributeDataType::String))
        .custom_attributes(custom("age", AttributeDataType::Number))
        .custom_attributes(SchemaAttributeType::builder().name("secret").developer_only_attribute(true).build())
        .send()
        .await
        .unwrap();
    let pool = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    let names: Vec<_> = pool.schema_attributes()[20..].iter().map(|a| a.name().unwrap()).collect();
    assert_eq!(names, ["custom:plan", "custom:age", "dev:custom:secret"]);
    assert!(pool.schema_attributes()[21].number_attribute_constraints().is_some());

    let e = s
        .client
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(custom("plan", AttributeDataType::String))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_of(e),
        ("InvalidParameterException".into(), "Existing attribute already has name custom:plan.".into())
    );

    let e = s
        .client
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(SchemaAttributeType::builder().name("must").required(true).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(e).1, "Required custom attributes are not supported currently.");

    // 3 exist; 25 more is fine, 25 after that would make 53.
    let batch = |from: usize| {
        (from..from + 25).map(|i| custom(&format!("a{i}"), AttributeDataType::String)).collect::<Vec<_>>()
    };
    s.client.add_custom_attributes().user_pool_id(&id).set_custom_attributes(Some(batch(0))).send().await.unwrap();
    let e = s
        .client
        .add_custom_attributes()
        .user_pool_id(&id)
        .set_custom_attributes(Some(batch(100)))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(e);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("50"), "{message}");
    let pool = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(pool.schema_attributes().len(), 20 + 3 + 25, "the refused batch added nothing");
}

#[tokio::test]
async fn a_protected_pool_cannot_be_deleted_and_deleting_a_pool_removes_its_clients() {
    let s = spawn().await;
    let out = s
        .client
        .create_user_pool()
        .pool_name("keep")
        .deletion_protection(DeletionProtectionType::Active)
        .send()
        .await
        .unwrap();
    let id = out.user_pool().unwrap().id().unwrap().to_string();
    let e = s.client.delete_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(
        error_of(e),
        (
            "InvalidParameterException".into(),
            "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be \
             inactivated first."
                .into()
        )
    );
    s.client
        .update_user_pool()
        .user_pool_id(&id)
        .deletion_protection(DeletionProtectionType::Inactive)
        .send()
        .await
        .unwrap();
    let client = s.client.create_user_pool_client().user_pool_id(&id).client_name("c").send().await.unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_string();
    s.client.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    let e = s.client.describe_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(error_of(e).0, "ResourceNotFoundException");
    let e = s.client.describe_user_pool_client().user_pool_id(&id).client_id(&client_id).send().await.unwrap_err();
    assert_eq!(error_of(e).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn list_user_pools_pages_through_every_pool_exactly_once() {
    let s = spawn().await;
    let mut created = HashSet::new();
    for i in 0..7 {
        created.insert(s.pool(&format!("pool-{i}")).await);
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = s.client.list_user_pools().max_results(3).set_next_token(token).send().await.unwrap();
        assert!(page.user_pools().len() <= 3);
        for p in page.user_pools() {
            assert!(p.name().unwrap().starts_with("pool-"));
            assert!(p.creation_date().is_some());
            seen.push(p.id().unwrap().to_string());
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), created);

    let e = s.client.list_user_pools().max_results(3).next_token("garbage").send().await.unwrap_err();
    assert_eq!(error_of(e).0, "InvalidParameterException");
}

#[tokio::test]
async fn the_sdks_paginator_walks_every_pool() {
    let s = spawn().await;
    for i in 0..5 {
        s.pool(&format!("p{i}")).await;
    }
    let pages: Vec<_> = s.client.list_user_pools().max_results(2).into_paginator().send().collect::<Vec<_>>().await;
    let total: usize = pages.into_iter().map(|p| p.unwrap().user_pools().len()).sum();
    assert_eq!(total, 5);
}
