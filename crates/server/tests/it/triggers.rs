//! The CustomMessage trigger, served by a real HTTP endpoint implementing the Lambda Invoke API.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::*;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::harness::{error_of, spawn_with, TestServer, PASSWORD};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";

type Seen = Arc<Mutex<Vec<(String, Value)>>>;
type Signed = Arc<Mutex<Vec<(HeaderMap, String, String)>>>;

/// A Lambda Invoke API endpoint whose functions behave as their names say.
async fn lambda(State(seen): State<Seen>, Path(name): Path<String>, headers: HeaderMap, body: String) -> Response {
    let event: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    assert_eq!(headers.get("x-amz-invocation-type").and_then(|v| v.to_str().ok()), Some("RequestResponse"));
    seen.lock().unwrap().push((name.clone(), event.clone()));
    match name.as_str() {
        "custom" => {
            let mut answer = event;
            answer["response"]["emailSubject"] = json!("Welcome to the app");
            answer["response"]["emailMessage"] = json!("Hello, your code is {####}!");
            answer["response"]["smsMessage"] = json!("App code: {####}");
            axum::Json(answer).into_response()
        }
        "unchanged" => axum::Json(event).into_response(),
        "fails" => (
            StatusCode::OK,
            [("x-amz-function-error", "Unhandled")],
            r#"{"errorMessage":"the user is blocked","errorType":"Error"}"#,
        )
            .into_response(),
        "garbage" => (StatusCode::OK, "this is not json").into_response(),
        "nocode" => {
            let mut answer = event;
            answer["response"]["smsMessage"] = json!("No code here");
            axum::Json(answer).into_response()
        }
        "slow" => {
            tokio::time::sleep(Duration::from_secs(6)).await;
            axum::Json(event).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the Lambda endpoint, then cognate pointed at it (with a short trigger timeout).
async fn setup() -> (TestServer, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new().route("/2015-03-31/functions/{name}/invocations", post(lambda)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let s = spawn_with(move |settings| {
        settings.lambda_endpoint = Some(url.clone());
        settings.lambda_timeout_ms = 2000;
    })
    .await;
    (s, seen)
}

/// A signed-in user with email and phone in a pool whose CustomMessage function is `function`.
async fn user_with_trigger(s: &TestServer, function: &str, developer_email: bool) -> String {
    let (pool, client) = s
        .pool_and_client(|b| {
            let b = b.lambda_config(LambdaConfigType::builder().custom_message(format!("{ARN}{function}")).build());
            if developer_email {
                b.email_configuration(
                    EmailConfigurationType::builder()
                        .email_sending_account(EmailSendingAccountType::Developer)
                        .source_arn("arn:aws:ses:us-east-1:123456789012:identity/example.com")
                        .build(),
                )
            } else {
                b
            }
        })
        .await;
    s.confirmed_user(&pool, "jane", &[("email", "jane@example.com"), ("phone_number", "+15555550100")]).await;
    s.password_sign_in(&client, "jane", PASSWORD).await.unwrap().access_token().unwrap().to_string()
}

async fn get_code(s: &TestServer, token: &str, attribute: &str) -> Result<(), (String, String)> {
    s.client
        .get_user_attribute_verification_code()
        .access_token(token)
        .attribute_name(attribute)
        .client_metadata("origin", "tests")
        .send()
        .await
        .map(|_| ())
        .map_err(error_of)
}

#[tokio::test]
async fn the_function_rewrites_the_message_and_the_code_is_put_in() {
    let (s, seen) = setup().await;
    let token = user_with_trigger(&s, "custom", true).await;
    get_code(&s, &token, "email").await.unwrap();
    let m = &s.messages("destination=jane%40example.com").await[0];
    assert_eq!(m["subject"], "Welcome to the app");
    let code = s.latest_code("jane@example.com").await;
    assert_eq!(m["body"], format!("Hello, your code is {code}!"));
    s.client.verify_user_attribute().access_token(&token).attribute_name("email").code(&code).send().await.unwrap();

    get_code(&s, &token, "phone_number").await.unwrap();
    let sms = &s.messages("destination=%2B15555550100").await[0];
    assert_eq!(sms["body"], format!("App code: {}", s.latest_code("+15555550100").await));

    let events = seen.lock().unwrap().clone();
    let (name, event) = &events[0];
    assert_eq!(name, "custom");
    assert_eq!(event["triggerSource"], "CustomMessage_VerifyUserAttribute");
    assert_eq!(event["version"], "1");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userName"], "jane");
    assert_eq!(event["request"]["codeParameter"], "{####}");
    assert_eq!(event["request"]["clientMetadata"], json!({"origin": "tests"}));
    assert_eq!(event["request"]["userAttributes"]["email"], "jane@example.com");
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert!(event["request"]["userAttributes"]["sub"].is_string());
    assert!(event["callerContext"]["clientId"].is_string());
    assert!(event["response"]["emailMessage"].is_null());
}

#[tokio::test]
async fn a_request_over_the_hourly_limit_never_reaches_the_function() {
    let (s, seen) = setup().await;
    let token = user_with_trigger(&s, "unchanged", false).await;
    for _ in 0..5 {
        get_code(&s, &token, "email").await.unwrap();
    }
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert_eq!(get_code(&s, &token, "email").await.unwrap_err().0, "LimitExceededException");
    assert_eq!(seen.lock().unwrap().len(), 5, "the refused request invoked the trigger");
    assert_eq!(s.messages("destination=jane%40example.com").await.len(), 5);
}

#[tokio::test]
async fn null_fields_fall_back_to_the_template() {
    let (s, _) = setup().await;
    let token = user_with_trigger(&s, "unchanged", false).await;
    get_code(&s, &token, "email").await.unwrap();
    let m = &s.messages("destination=jane%40example.com").await[0];
    assert_eq!(m["body"], format!("Your verification code is {}. ", s.latest_code("jane@example.com").await));
}

#[tokio::test]
async fn trigger_failures_answer_the_real_errors_and_store_and_send_nothing() {
    let (s, _) = setup().await;
    let cases = [
        (
            "fails",
            "email",
            true,
            "UserLambdaValidationException",
            Some("CustomMessage failed with error the user is blocked."),
        ),
        ("garbage", "email", true, "InvalidLambdaResponseException", None),
        ("nocode", "phone_number", true, "InvalidLambdaResponseException", None),
        ("custom", "email", false, "InvalidLambdaResponseException", None),
        ("slow", "email", true, "UnexpectedLambdaException", None),
        ("missing", "email", true, "UnexpectedLambdaException", None),
    ];
    for (function, attribute, developer, code, text) in cases {
        let token = user_with_trigger(&s, function, developer).await;
        let before = s.messages("").await.len();
        let (c, m) = get_code(&s, &token, attribute).await.unwrap_err();
        assert_eq!(c, code, "{function}: {m}");
        if let Some(t) = text {
            assert_eq!(m, t);
        }
        assert_eq!(s.messages("").await.len(), before, "{function}: nothing sent");
        let e =
            s.client.verify_user_attribute().access_token(&token).attribute_name(attribute).code("123456").send().await;
        assert_eq!(error_of(e.unwrap_err()).0, "ExpiredCodeException", "{function}: no code stored");
    }
}

#[tokio::test]
async fn without_a_lambda_endpoint_a_pool_with_a_trigger_fails_clearly() {
    let s = crate::harness::spawn().await;
    let token = user_with_trigger(&s, "custom", true).await;
    assert_eq!(get_code(&s, &token, "email").await.unwrap_err().0, "UnexpectedLambdaException");
}

/// Epoch seconds of an `x-amz-date` (`20261126T140000Z`).
fn amz_date(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(4, 6), n(6, 8));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(9, 11) * 3600 + n(11, 13) * 60 + n(13, 15)
}

#[tokio::test]
async fn invocations_are_signed_with_sigv4_when_credentials_are_configured() {
    let signed: Signed = Arc::default();
    async fn capture(
        State(signed): State<Signed>,
        Path(name): Path<String>,
        headers: HeaderMap,
        body: String,
    ) -> Response {
        signed.lock().unwrap().push((headers, name, body.clone()));
        axum::Json(serde_json::from_str::<Value>(&body).unwrap()).into_response()
    }
    let app = Router::new().route("/2015-03-31/functions/{name}/invocations", post(capture)).with_state(signed.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let endpoint = base.clone();
    let s = spawn_with(move |settings| {
        settings.lambda_endpoint = Some(endpoint.clone());
        settings.lambda_signing = Some(("AKIDTEST".into(), cognate_server::config::Secret("sekrit".into()), None));
    })
    .await;
    let token = user_with_trigger(&s, "unchanged", false).await;
    get_code(&s, &token, "email").await.unwrap();
    let (headers, name, body) = signed.lock().unwrap()[0].clone();
    assert_eq!(name, "unchanged");
    let auth = headers["authorization"].to_str().unwrap().to_string();
    let date = headers["x-amz-date"].to_str().unwrap().to_string();
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential=AKIDTEST/{}/us-east-1/lambda/aws4_request", &date[..8])),
        "{auth}"
    );

    // The signature covers what was actually sent: recompute it from the received request.
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let identity = aws_credential_types::Credentials::new("AKIDTEST", "sekrit", None, None, "test").into();
    let time = std::time::UNIX_EPOCH + Duration::from_secs(amz_date(&date) as u64);
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("lambda")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("{base}/2015-03-31/functions/unchanged/invocations");
    let sent = [("content-type", "application/json"), ("x-amz-invocation-type", "RequestResponse")];
    let request = SignableRequest::new("POST", url, sent.into_iter(), SignableBody::Bytes(body.as_bytes())).unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    let expected = instructions.headers().find(|(k, _)| *k == "authorization").unwrap().1.to_string();
    assert_eq!(auth, expected);
}
