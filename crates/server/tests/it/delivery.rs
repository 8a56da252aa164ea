//! Delivery channels: the SMS webhook (a real HTTP receiver checking the signature), and the
//! production rule that a code is refused when its medium has no channel.

use std::sync::{Arc, Mutex};

use aws_lc_rs::hmac;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

use crate::harness::{error_of, spawn_with, TestServer, PASSWORD};

const SECRET: &str = "webhook-secret";

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

async fn receive(State(seen): State<Received>, headers: HeaderMap, body: String) -> StatusCode {
    seen.lock().unwrap().push((headers, body));
    StatusCode::NO_CONTENT
}

async fn signed_in(s: &TestServer, attrs: &[(&str, &str)]) -> String {
    let (pool, client) = s.pool_and_client(|b| b).await;
    s.confirmed_user(&pool, "jane", attrs).await;
    s.password_sign_in(&client, "jane", PASSWORD).await.unwrap().access_token().unwrap().to_string()
}

#[tokio::test]
async fn sms_are_posted_to_the_webhook_signed_with_the_secret() {
    let seen: Received = Arc::default();
    let app = Router::new().route("/sms", post(receive)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let s = spawn_with(move |settings| {
        settings.sms_webhook = Some(cognate_server::config::SmsWebhookSettings {
            url: url.clone(),
            secret: cognate_server::config::Secret(SECRET.into()),
        });
        settings.require_delivery_channels = true;
    })
    .await;
    let token = signed_in(&s, &[("phone_number", "+15555550123"), ("email", "j@example.com")]).await;
    s.client
        .get_user_attribute_verification_code()
        .access_token(&token)
        .attribute_name("phone_number")
        .send()
        .await
        .unwrap();
    let code = s.latest_code("+15555550123").await;

    let mut got = None;
    for _ in 0..100 {
        if let Some(first) = seen.lock().unwrap().first().cloned() {
            got = Some(first);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (headers, body) = got.expect("the webhook was called");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["destination"], "+15555550123");
    assert_eq!(json["message"], format!("Your verification code is {code}. "));
    assert_eq!(json["username"], "jane");
    let timestamp = headers["x-cognate-timestamp"].to_str().unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
    let expected = hmac::sign(&key, format!("{timestamp}.{body}").as_bytes());
    let hex: String = expected.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(headers["x-cognate-signature"].to_str().unwrap(), format!("sha256={hex}"));

    // Email has no channel here, and channels are required: the code is refused, nothing stored.
    let e = s.client.get_user_attribute_verification_code().access_token(&token).attribute_name("email").send().await;
    let (c, m) = error_of(e.unwrap_err());
    assert_eq!(c, "CodeDeliveryFailureException", "{m}");
    assert!(s.messages("destination=j%40example.com").await.is_empty());
    let e = s.client.verify_user_attribute().access_token(&token).attribute_name("email").code("123456").send().await;
    assert_eq!(error_of(e.unwrap_err()).0, "ExpiredCodeException");
}
