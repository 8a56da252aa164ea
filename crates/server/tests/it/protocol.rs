//! The wire protocol: routing by target, content types, the error envelope, CORS, limits.

use cognate_core::Cognito;
use cognate_model::Operation;

use crate::harness::spawn;

const JSON11: &str = "application/x-amz-json-1.1";

#[tokio::test]
async fn an_unknown_target_is_an_unknown_operation_exception() {
    let s = spawn().await;
    let r = s.raw(Some("NoSuchOperation"), JSON11, "{}").await;
    let m = r.assert_error(400, "UnknownOperationException");
    assert!(m.contains("NoSuchOperation"), "{m}");
}

#[tokio::test]
async fn a_missing_target_is_an_unknown_operation_exception() {
    let s = spawn().await;
    s.raw(None, JSON11, "{}").await.assert_error(400, "UnknownOperationException");
}

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let s = spawn().await;
    s.raw(Some("CreateUserPool"), JSON11, "{not json").await.assert_error(400, "SerializationException");
    s.raw(Some("CreateUserPool"), JSON11, "[1,2]").await.assert_error(400, "SerializationException");
}

#[tokio::test]
async fn a_member_of_the_wrong_json_type_is_a_serialization_exception() {
    let s = spawn().await;
    for body in [r#"{"PoolName": 5}"#, r#"{"PoolName": "p", "Schema": {"Name": "x"}}"#, r#"{"PoolName": {"a": 1}}"#] {
        s.raw(Some("CreateUserPool"), JSON11, body).await.assert_error(400, "SerializationException");
    }
    let list = s.client.list_user_pools().max_results(60).send().await.unwrap();
    assert!(list.user_pools().is_empty(), "a refused request stores nothing");
}

#[tokio::test]
async fn json_1_0_and_plain_json_bodies_are_accepted_and_other_types_refused() {
    let s = spawn().await;
    for ct in ["application/x-amz-json-1.0", "application/json", "application/x-amz-json-1.1; charset=utf-8"] {
        let r = s.raw(Some("ListUserPools"), ct, r#"{"MaxResults": 5}"#).await;
        assert_eq!(r.status, 200, "{ct}: {:?}", r.body);
        assert_eq!(r.header("content-type"), Some(JSON11));
        assert!(r.header("x-amzn-requestid").is_some());
    }
    s.raw(Some("ListUserPools"), "text/xml", "<x/>").await.assert_error(400, "SerializationException");
}

#[tokio::test]
async fn constraint_violations_use_cognitos_validation_text() {
    let s = spawn().await;
    let r = s.raw(Some("DescribeUserPool"), JSON11, r#"{"UserPoolId": "x y"}"#).await;
    assert_eq!(
        r.assert_error(400, "InvalidParameterException"),
        "1 validation error detected: Value 'x y' at 'userPoolId' failed to satisfy constraint: Member must satisfy \
         regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    );
    let r = s.raw(Some("ListUserPools"), JSON11, r#"{"MaxResults": 0, "NextToken": ""}"#).await;
    let m = r.assert_error(400, "InvalidParameterException");
    assert!(m.starts_with("3 validation errors detected: Value '' at 'nextToken'"), "{m}");
    assert!(m.ends_with("; Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"), "{m}");
    let r = s.raw(Some("ListUserPools"), JSON11, "{}").await;
    assert_eq!(
        r.assert_error(400, "InvalidParameterException"),
        "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null"
    );
}

#[tokio::test]
async fn every_operation_not_implemented_answers_unsupported_naming_it() {
    let s = spawn().await;
    let missing: Vec<_> = Operation::ALL.iter().filter(|op| !Cognito::IMPLEMENTED.contains(op)).collect();
    assert!(missing.len() > 100);
    for op in missing {
        let r = s.raw(Some(op.name()), JSON11, "{}").await;
        let m = r.assert_error(400, "UnsupportedOperationException");
        assert!(m.contains(op.name()), "{m}");
    }
}

#[tokio::test]
async fn the_sdk_sees_an_unimplemented_operation_as_a_clean_error() {
    let s = spawn().await;
    let e = s.client.admin_list_devices().user_pool_id("us-east-1_abc").username("u").send().await.unwrap_err();
    let (code, message) = crate::harness::error_of(e);
    assert_eq!(code, "UnsupportedOperationException");
    assert!(message.contains("AdminListDevices"));
}

#[tokio::test]
async fn browsers_get_cors_headers_on_preflights_successes_and_errors() {
    let s = spawn().await;
    let r = s
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/", s.url))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target,x-amz-user-agent,cache-control,authorization,x-amz-date,x-amz-security-token",
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let allowed = r.headers()["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    for h in [
        "content-type",
        "x-amz-target",
        "x-amz-user-agent",
        "cache-control",
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
    ] {
        assert!(allowed.contains(h), "{h} not in {allowed}");
    }
    assert!(r.headers().contains_key("access-control-allow-origin"));
    let r = s
        .http
        .post(format!("{}/", s.url))
        .header("origin", "http://localhost:3000")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.DescribeUserPool")
        .header("content-type", JSON11)
        .body(r#"{"UserPoolId": "us-east-1_nope"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().contains_key("access-control-allow-origin"));
    let exposed = r.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(exposed.contains("x-amzn-requestid") && exposed.contains("x-amzn-errortype"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_clear_error() {
    let s = spawn().await;
    let body = format!(r#"{{"PoolName": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let m = s.raw(Some("CreateUserPool"), JSON11, &body).await.assert_error(400, "InvalidParameterException");
    assert!(m.contains("1048576 bytes"), "{m}");
}

#[tokio::test]
async fn other_paths_and_methods_answer_in_the_aws_shape() {
    let s = spawn().await;
    let r = crate::harness::RawResponse::read(s.http.get(format!("{}/nope", s.url)).send().await.unwrap()).await;
    r.assert_error(404, "UnknownOperationException");
    let r = crate::harness::RawResponse::read(s.http.get(format!("{}/", s.url)).send().await.unwrap()).await;
    r.assert_error(404, "UnknownOperationException");
}

#[tokio::test]
async fn health_answers_with_a_small_json_body() {
    let s = spawn().await;
    let r = crate::harness::RawResponse::read(s.http.get(format!("{}/health", s.url)).send().await.unwrap()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
}

#[tokio::test]
async fn successes_carry_a_request_id() {
    let s = spawn().await;
    let r = s.raw(Some("ListUserPools"), JSON11, r#"{"MaxResults": 1}"#).await;
    assert_eq!(r.status, 200);
    let id = r.header("x-amzn-requestid").unwrap();
    assert_eq!(id.len(), 36);
    let other = s.raw(Some("ListUserPools"), JSON11, r#"{"MaxResults": 1}"#).await;
    assert_ne!(other.header("x-amzn-requestid").unwrap(), id);
}
