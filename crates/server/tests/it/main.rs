//! Integration tests: the real server on 127.0.0.1:0 with a temporary SQLite data dir, driven
//! over HTTP by the official AWS SDK for Rust (and raw requests where the wire itself is
//! under test). One test binary, as compile time on small machines demands.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod admin_auth;
mod attributes;
mod binary;
mod clients;
mod crash;
mod delivery;
mod fuzz_corpus;
mod groups;
mod harness;
mod hostile;
mod internal;
mod logs;
mod multi_instance;
mod operations;
mod passwords;
mod protocol;
mod readme;
mod restart;
mod secrets;
mod sign_in;
mod triggers;
mod user_pools;
mod users;
