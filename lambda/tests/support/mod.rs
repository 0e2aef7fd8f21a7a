//! Shared by the tests that run the real `bootstrap` against lambda-bench's Runtime API.
//! Each integration test crate includes it with `mod support;` and uses what it needs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use lambda_bench::{InitStatus, LocalFunction, SpawnConfig};

pub mod seed;
#[allow(unused_imports)] // each test file uses some
pub use seed::{new_year, seed_answer, seed_answer_bytes, SEED};

/// The workspace root (tests run from the package directory).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file under events/, e.g. `event_file("apigw-seed.json")`.
pub fn event_file(name: &str) -> Vec<u8> {
    let path = repo().join("events").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The bootstrap under test: `TRANSACTIONS_BOOTSTRAP` (a release or arm64 build, as the
/// scripts pass it), else this package's debug build.
pub fn bootstrap_under_test() -> PathBuf {
    std::env::var_os("TRANSACTIONS_BOOTSTRAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_bootstrap")))
}

/// Starts the function and asserts its init phase ended with a request for an event.
pub async fn start_ready(cfg: &SpawnConfig, init_timeout: Duration) -> LocalFunction {
    let f = LocalFunction::start(cfg, init_timeout)
        .await
        .expect("spawn bootstrap");
    assert_eq!(
        f.init().status,
        InitStatus::Ready,
        "{:?}",
        f.process().log_tail(20)
    );
    f
}
