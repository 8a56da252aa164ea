//! Nothing secret reaches the logs: the binary runs at the most verbose level through sign-up,
//! codes, every sign-in flow, refresh, password changes and signed admin calls, and its log is
//! searched for every password, code, token and key it handled.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ExplicitAuthFlowsType as F, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_core::ports::{Clock, SystemClock};

use crate::harness::{sigv4_headers, six_digits, srp_sign_in, TEST_KEK};

const KEY: &str = "AKIDCOGNATELOGS00001";
const SECRET: &str = "logs-admin-secret-0001+xyz";
const PASSWORDS: [&str; 3] = ["Corr3ct-horse!log1", "Corr3ct-horse!log2", "Corr3ct-horse!log3"];

async fn signed_get(url: &str) -> serde_json::Value {
    // The binary judges signatures by the system clock.
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(SystemClock.now_millis() as u64);
    let mut req = reqwest::Client::new().get(url);
    for (k, v) in sigv4_headers(("GET", url), &[], b"", (KEY, SECRET), now, ("us-east-1", "cognito-idp")) {
        req = req.header(k, v);
    }
    req.send().await.unwrap().json().await.unwrap()
}

async fn latest_code(url: &str, destination: &str) -> String {
    let body =
        signed_get(&format!("{url}/_cognate/messages?destination={}", crate::harness::urlencode(destination))).await;
    let text = body["messages"][0]["body"].as_str().unwrap().to_string();
    six_digits(&text).unwrap()
}

#[tokio::test]
async fn nothing_secret_reaches_the_logs_at_the_most_verbose_level() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cognate"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log", "trace"])
        .arg("--data-dir")
        .arg(dir.path())
        .env("COGNATE_ADMIN_ACCESS_KEY_ID", KEY)
        .env("COGNATE_ADMIN_SECRET_ACCESS_KEY", SECRET)
        .env("COGNATE_KEY_ENCRYPTION_KEY", TEST_KEK)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line.trim().strip_prefix("cognate listening on ").unwrap().to_string();

    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&url)
        .credentials_provider(Credentials::new(KEY, SECRET, None, None, "tests"))
        .retry_config(RetryConfig::disabled())
        .build();
    let idp = Client::from_conf(conf);
    let mut secrets: Vec<String> = vec![SECRET.into(), TEST_KEK.into()];
    secrets.extend(PASSWORDS.iter().map(|p| p.to_string()));

    let pool = idp
        .create_user_pool()
        .pool_name("logs")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap();
    let pool = pool.user_pool().and_then(|p| p.id()).unwrap().to_string();
    let app = idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .generate_secret(false)
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client = app.user_pool_client().and_then(|c| c.client_id()).unwrap().to_string();

    let email = "jane@example.com";
    idp.sign_up()
        .client_id(&client)
        .username("jane")
        .password(PASSWORDS[0])
        .user_attributes(AttributeType::builder().name("email").value(email).build().unwrap())
        .send()
        .await
        .unwrap();
    let code = latest_code(&url, email).await;
    idp.confirm_sign_up().client_id(&client).username("jane").confirmation_code(&code).send().await.unwrap();
    secrets.push(code);

    let signed_in = idp
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORDS[0])
        .send()
        .await
        .unwrap();
    let tokens = signed_in.authentication_result().unwrap();
    let access = tokens.access_token().unwrap().to_string();
    let refresh = tokens.refresh_token().unwrap().to_string();
    secrets.extend([access.clone(), tokens.id_token().unwrap().to_string(), refresh.clone()]);

    // SRP.
    let srp_tokens =
        srp_sign_in((&idp, &idp), &client, &pool, "jane", PASSWORDS[0], SystemClock.now_millis()).await.unwrap();
    secrets.extend([srp_tokens.access_token().unwrap().to_string(), srp_tokens.refresh_token().unwrap().to_string()]);

    // The heart: a code for an attribute, verified.
    idp.get_user_attribute_verification_code().access_token(&access).attribute_name("email").send().await.unwrap();
    let code = latest_code(&url, email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    idp.verify_user_attribute().access_token(&access).attribute_name("email").code(wrong).send().await.unwrap_err();
    idp.verify_user_attribute().access_token(&access).attribute_name("email").code(&code).send().await.unwrap();
    secrets.push(code);

    let refreshed = idp
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await
        .unwrap();
    secrets.push(refreshed.authentication_result().unwrap().access_token().unwrap().to_string());

    idp.change_password()
        .access_token(&access)
        .previous_password(PASSWORDS[0])
        .proposed_password(PASSWORDS[1])
        .send()
        .await
        .unwrap();
    idp.admin_set_user_password()
        .user_pool_id(&pool)
        .username("jane")
        .password(PASSWORDS[2])
        .permanent(true)
        .send()
        .await
        .unwrap();
    // A wrong password, and a forgotten one.
    idp.initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "jane")
        .auth_parameters("PASSWORD", PASSWORDS[1])
        .send()
        .await
        .unwrap_err();
    idp.forgot_password().client_id(&client).username("jane").send().await.unwrap();
    secrets.push(latest_code(&url, email).await);
    let _ = idp.global_sign_out().access_token(&access).send().await;

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "the log is verbose");
    assert!(log.contains("GetUserAttributeVerificationCode"), "requests are logged");
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "a secret is in the log: {secret}");
        // Tokens' signatures alone, too.
        if let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() > 40) {
            assert!(!log.contains(signature), "a token signature is in the log");
        }
    }
}
