//! The `lambda_runtime` contender (`--features lambda-runtime-contender`) under
//! `AWS_LAMBDA_MAX_CONCURRENCY`: sequential `run` at N = 1, `run_concurrent` with N polls
//! above, the seed answer every time. Its binary is not part of a plain `cargo test` build: the
//! test runs when `TRANSACTIONS_LAMBDA_RUNTIME_CONTENDER` names it, or when
//! `$CARGO_TARGET_DIR/release/bootstrap-lambda-runtime` exists, and says it skipped otherwise.
//!   cargo build --release -p transactions-lambda --features lambda-runtime-contender --bin bootstrap-lambda-runtime

use std::path::PathBuf;
use std::time::Duration;

use lambda_bench::benchmark::{Event, Target};
use lambda_bench::load::{run_load, LoadOptions};

fn contender() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRANSACTIONS_LAMBDA_RUNTIME_CONTENDER") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "{}: no such file", path.display());
        return Some(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
    let path = PathBuf::from(target).join("release/bootstrap-lambda-runtime");
    path.is_file().then_some(path)
}

#[tokio::test]
async fn run_concurrent_keeps_n_polls_open_and_answers_every_event() {
    let Some(binary) = contender() else {
        eprintln!("skipped: no bootstrap-lambda-runtime built (see this file's header)");
        return;
    };
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/seed-3tx.json"
    ))
    .unwrap();
    let opts = LoadOptions {
        max_concurrency: vec![1, 4],
        events: 300,
        warmup: 20,
        timeout: Duration::from_secs(10),
        ..LoadOptions::default()
    };
    let targets = [Target {
        name: "lambda_runtime".into(),
        binary,
    }];
    let events = [Event {
        name: "seed-3tx.json".into(),
        payload: seed.into(),
    }];
    let run = run_load(&targets, &events, &opts, &|_| {}).await.unwrap();
    for r in &run.results {
        assert_eq!(r.polls_open_max, u64::from(r.max_concurrency), "{r:#?}");
        assert_eq!((r.events, r.errors), (300, 0), "{r:#?}");
        assert!(r.notes.is_empty(), "{r:#?}");
    }
}
