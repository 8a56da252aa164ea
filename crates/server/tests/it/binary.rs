//! The `cognate` binary as a user runs it: the ready line, clean shutdown on SIGTERM, and clear
//! errors for bad flags and configuration.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cognate");

fn run_to_end(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = Command::new(BIN).args(args).envs(env.iter().copied()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn bad_flags_and_values_exit_non_zero_with_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, err) = run_to_end(&["serve", "--listen", "not-an-address", "--data-dir", data], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--listen"), "{err}");
    let (code, err) = run_to_end(&["serve", "--region", "moon", "--data-dir", data], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid region \"moon\""), "{err}");
    let (code, err) = run_to_end(&["serve", "--data-dir", data], &[("COGNATE_ACCOUNT_ID", "12")]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid account id"), "{err}");
    let (code, err) = run_to_end(&["serve", "--no-such-flag"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--no-such-flag"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn without_admin_credentials_it_refuses_a_non_loopback_address_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, err) = run_to_end(&["serve", "--listen", "0.0.0.0:0", "--data-dir", data], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("refusing to listen on 0.0.0.0:0 without admin credentials"), "{err}");
    assert!(err.contains("--allow-unauthenticated-admin"), "{err}");
    assert!(!dir.path().join("cognate.db").exists(), "nothing opened before refusing");
}

#[test]
fn unknown_keys_in_the_config_file_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cognate.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\nlsiten = \"oops\"\n").unwrap();
    let (code, err) = run_to_end(&["serve", "--config", file.to_str().unwrap()], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `lsiten`"), "{err}");
}

#[test]
fn the_server_prints_its_address_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cognate.toml");
    // The file gives the data dir; the environment gives the address.
    std::fs::write(&file, format!("data_dir = {:?}\n", dir.path().join("data").to_str().unwrap())).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--config", file.to_str().unwrap()])
        .env("COGNATE_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("cognate listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
    assert!(url.starts_with("http://127.0.0.1:"));

    let health = std::net::TcpStream::connect(url.trim_start_matches("http://")).map(|mut s| {
        use std::io::{Read, Write};
        s.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    });
    assert!(health.unwrap().starts_with("HTTP/1.1 200"));
    assert!(dir.path().join("data/cognate.db").exists(), "the data dir from the file is used and created");

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not stop within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
