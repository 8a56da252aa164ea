//! The CustomMessage trigger: the pool's function may rewrite a message that carries a code.
//! It receives the event Cognito sends (`codeParameter` is the literal `{####}`), and the code is
//! substituted into what it returns; a null field falls back to the pool's template.

use std::collections::BTreeMap;

use cognate_model::shapes::{DeliveryMediumType, EmailSendingAccountType, UserPoolType};
use cognate_model::ErrorCode;
use serde_json::{json, Map, Value};

use crate::delivery;
use crate::ports::triggers::TriggerError;
use crate::users::User;
use crate::{Error, Services};

/// Longest SMS, code included.
pub const MAX_SMS: usize = 140;
/// Longest email body, code included.
pub const MAX_EMAIL: usize = 20_000;
/// Longest email subject.
pub const MAX_SUBJECT: usize = 140;

/// What a message is for, as the event's `triggerSource` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Sign-up code.
    SignUp,
    /// A sign-up code sent again.
    ResendCode,
    /// Password reset code.
    ForgotPassword,
    /// Code for a changed attribute.
    UpdateUserAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyUserAttribute,
}

impl Source {
    /// The `triggerSource` value.
    pub fn trigger_source(self) -> &'static str {
        match self {
            Source::SignUp => "CustomMessage_SignUp",
            Source::ResendCode => "CustomMessage_ResendCode",
            Source::ForgotPassword => "CustomMessage_ForgotPassword",
            Source::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            Source::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
        }
    }
}

/// Who asked, as the event's `callerContext` and `request.clientMetadata` carry it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    /// The app client, when known.
    pub client_id: Option<&'a str>,
    /// The request's `ClientMetadata`: passed on, never stored.
    pub client_metadata: Option<&'a BTreeMap<String, String>>,
}

/// The user's attributes as the event carries them: all strings, with `cognito:user_status`.
fn user_attributes(user: &User) -> Map<String, Value> {
    let mut m: Map<String, Value> =
        user.attributes.iter().map(|a| (a.name.clone(), Value::String(a.value.clone().unwrap_or_default()))).collect();
    m.insert("cognito:user_status".into(), Value::String(user.status.as_str().to_string()));
    m
}

/// The event sent to the function.
pub fn event(svc: &Services, pool_id: &str, user: &User, source: Source, caller: Caller<'_>) -> Value {
    let mut request = json!({
        "userAttributes": user_attributes(user),
        "codeParameter": "{####}",
        "linkParameter": "{##Click Here##}",
        "usernameParameter": Value::Null,
    });
    if let (Some(meta), Some(obj)) = (caller.client_metadata, request.as_object_mut()) {
        obj.insert("clientMetadata".into(), json!(meta));
    }
    json!({
        "version": "1",
        "triggerSource": source.trigger_source(),
        "region": svc.config.region,
        "userPoolId": pool_id,
        "userName": user.record.username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": caller.client_id.unwrap_or("CLIENT_ID_NOT_APPLICABLE")},
        "request": request,
        "response": {"smsMessage": Value::Null, "emailMessage": Value::Null, "emailSubject": Value::Null},
    })
}

fn invalid_response(why: &str) -> Error {
    Error::service(ErrorCode::InvalidLambdaResponseException, format!("Unrecognizable lambda output: {why}"))
}

/// Subject and body of a message carrying `code`: from the pool's CustomMessage function if it
/// has one, else from its template.
pub async fn compose(
    svc: &Services,
    pool_id: &str,
    pool: &UserPoolType,
    user: &User,
    (medium, code): (DeliveryMediumType, &str),
    source: Source,
    caller: Caller<'_>,
) -> Result<(Option<String>, String), Error> {
    delivery::require_channel(svc, medium)?;
    let template = delivery::verification_text(pool, medium, "{####}");
    let Some(arn) = pool.lambda_config.as_ref().and_then(|l| l.custom_message.as_deref()) else {
        return Ok(fill(template, code));
    };
    let answer = svc.triggers.invoke(arn, &event(svc, pool_id, user, source, caller)).await.map_err(|e| match e {
        // AWS: "CustomMessage failed with error <message>."
        TriggerError::Function(m) => {
            Error::service(ErrorCode::UserLambdaValidationException, format!("CustomMessage failed with error {m}."))
        }
        TriggerError::Unreachable(why) => {
            tracing::warn!(function = arn, "CustomMessage invocation failed: {why}");
            Error::service(
                ErrorCode::UnexpectedLambdaException,
                "CustomMessage invocation failed due to error Socket timeout while invoking Lambda function.",
            )
        }
        TriggerError::BadResponse(why) => invalid_response(&why),
    })?;
    let response =
        answer.get("response").and_then(Value::as_object).ok_or_else(|| invalid_response("no response object"))?;
    let field = |name: &str| -> Result<Option<String>, Error> {
        match response.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid_response(&format!("{name} is not a string"))),
        }
    };
    let (subject, body) = match medium {
        DeliveryMediumType::Sms => (None, field("smsMessage")?.unwrap_or(template.1)),
        DeliveryMediumType::Email => {
            let message = field("emailMessage")?;
            let subject = field("emailSubject")?;
            let cognito_sends = pool.email_configuration.as_ref().and_then(|e| e.email_sending_account)
                != Some(EmailSendingAccountType::Developer);
            if cognito_sends && (message.is_some() || subject.is_some()) {
                // AWS: custom email content needs the pool's own (SES) sending account.
                return Err(invalid_response("emailMessage needs EmailSendingAccount DEVELOPER"));
            }
            (subject.or(template.0), message.unwrap_or(template.1))
        }
    };
    if !body.contains("{####}") {
        return Err(invalid_response("the message has no {####} code placeholder"));
    }
    let (subject, body) = fill((subject, body), code);
    let too_long = match medium {
        DeliveryMediumType::Sms => body.chars().count() > MAX_SMS,
        DeliveryMediumType::Email => {
            body.chars().count() > MAX_EMAIL || subject.as_ref().is_some_and(|s| s.chars().count() > MAX_SUBJECT)
        }
    };
    if too_long {
        return Err(invalid_response("the message is too long"));
    }
    Ok((subject, body))
}

fn fill((subject, body): (Option<String>, String), code: &str) -> (Option<String>, String) {
    (subject, body.replace("{####}", code))
}
