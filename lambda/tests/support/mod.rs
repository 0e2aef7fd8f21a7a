//! Shared by the tests that run the real `bootstrap` against lambda-bench's Runtime API.
//! Each integration test crate includes it with `mod support;` and uses what it needs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use lambda_bench::{InitStatus, LocalFunction, SpawnConfig};

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
