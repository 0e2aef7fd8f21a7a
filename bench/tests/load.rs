//! The load mode end to end: real processes told `AWS_LAMBDA_MAX_CONCURRENCY`, the crate's
//! fake bootstrap (which polls with that many threads) and the Go contender when it is built.
//! Assertions are on counts and correctness, never on speed.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use lambda_bench::benchmark::{Event, Target};
use lambda_bench::load::{run_load, LoadOptions, LoadResult};

const FAKE: &str = env!("CARGO_BIN_EXE_fake-bootstrap");

fn fake() -> Target {
    Target {
        name: "fake".into(),
        binary: PathBuf::from(FAKE),
    }
}

fn event(name: &str, body: &str) -> Event {
    Event {
        name: name.into(),
        payload: Bytes::copy_from_slice(body.as_bytes()),
    }
}

fn options(max_concurrency: &[u32], events: usize, warmup: usize) -> LoadOptions {
    LoadOptions {
        max_concurrency: max_concurrency.to_vec(),
        events,
        warmup,
        timeout: Duration::from_secs(10),
        ..LoadOptions::default()
    }
}

async fn measure(targets: &[Target], events: &[Event], opts: &LoadOptions) -> Vec<LoadResult> {
    run_load(targets, events, opts, &|_| {})
        .await
        .unwrap()
        .results
}

fn assert_all_right(r: &LoadResult, events: usize) {
    assert_eq!(r.events, events, "{r:#?}");
    assert_eq!(r.errors, 0, "{r:#?}");
    assert!(r.mismatches.is_empty() && r.notes.is_empty(), "{r:#?}");
    assert_eq!(r.polls_open_max, u64::from(r.max_concurrency), "{r:#?}");
    assert!(r.latency_ms.is_some() && r.events_per_s > 0.0, "{r:#?}");
    assert!(r.peak_rss_mb > 0.0, "{r:#?}");
}

#[tokio::test]
async fn each_n_opens_n_polls_and_every_answer_is_right() {
    let events = [
        event("echo.json", r#"{"n":1}"#),
        event("slow.json", r#"{"sleep_ms":5}"#),
    ];
    let opts = options(&[1, 3], 60, 6);
    let results = measure(&[fake()], &events, &opts).await;
    let order: Vec<(u32, &str)> = results
        .iter()
        .map(|r| (r.max_concurrency, r.event.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (1, "echo.json"),
            (1, "slow.json"),
            (3, "echo.json"),
            (3, "slow.json")
        ]
    );
    for r in &results {
        assert_all_right(r, 60);
        assert_eq!(r.in_flight, r.max_concurrency as usize);
        assert_eq!((r.label.as_str(), r.warmup), ("fake", 6));
    }
    assert_eq!(results[0].event_bytes, 7);
}

#[tokio::test]
async fn the_json_document_is_what_lmi_cost_reads() {
    use lambda_bench::managed_instances::inputs::LoadReport;
    let run = run_load(
        &[fake()],
        &[event("e.json", "{}")],
        &options(&[2], 20, 2),
        &|_| {},
    )
    .await
    .unwrap();
    let json = serde_json::to_vec(&run).unwrap();
    let read: LoadReport = serde_json::from_slice(&json).unwrap();
    let (ours, theirs) = (&run.results[0], &read.results[0]);
    assert_eq!(
        (theirs.label.as_str(), theirs.event.as_str()),
        ("fake", "e.json")
    );
    assert_eq!(theirs.max_concurrency, 2);
    assert_eq!(theirs.events, Some(20));
    assert_eq!(theirs.polls_open_max, Some(2));
    // serde_json's default float parsing may differ in the last bit.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(theirs.cpu_ms_per_event, ours.cpu_ms_per_event));
    assert!(close(theirs.peak_rss_mb, ours.peak_rss_mb));
    assert!(close(theirs.events_per_s.unwrap(), ours.events_per_s));
    let p50 = ours.latency_ms.unwrap().p50;
    assert!(close(theirs.latency_ms.as_ref().unwrap().p50, p50));
    assert_eq!((theirs.errors, theirs.emulated), (0, false));
}

#[tokio::test]
async fn contenders_are_interleaved_per_event_and_n() {
    let other = Target {
        name: "other".into(),
        ..fake()
    };
    let results = measure(
        &[fake(), other],
        &[event("e.json", "{}")],
        &options(&[2, 1], 20, 2),
    )
    .await;
    let order: Vec<(&str, u32)> = results
        .iter()
        .map(|r| (r.label.as_str(), r.max_concurrency))
        .collect();
    assert_eq!(
        order,
        [("fake", 2), ("other", 2), ("fake", 1), ("other", 1)]
    );
    for r in &results {
        assert_all_right(r, 20);
    }
}

#[tokio::test]
async fn cpu_time_per_event_is_what_the_function_burns() {
    // Each event burns 20 ms of the handling thread's CPU time (not wall time, so a loaded
    // machine changes nothing): the process group's CPU over the window must hold it all, and
    // not much more (nothing of ours is counted).
    let results = measure(
        &[fake()],
        &[event("spin.json", r#"{"spin_ms":20}"#)],
        &options(&[2], 20, 2),
    )
    .await;
    let r = &results[0];
    assert_all_right(r, 20);
    // One clock tick (10 ms) of rounding at each end of the window, over 20 events.
    assert!(r.cpu_ms_per_event >= 19.0, "{r:#?}");
    assert!(r.cpu_ms_per_event < 40.0, "{r:#?}");
}

#[tokio::test]
async fn a_runtime_that_ignores_the_variable_is_reported_with_its_polls() {
    let opts = LoadOptions {
        env: vec![("FAKE_WORKERS".into(), "1".into())],
        poll_timeout: Duration::from_millis(300),
        ..options(&[3], 30, 3)
    };
    let results = measure(&[fake()], &[event("e.json", "{}")], &opts).await;
    let r = &results[0];
    assert_eq!(r.polls_open_max, 1, "{r:#?}");
    assert_eq!(r.notes, ["opened 1 of 3 polls within 300ms"]);
    // Three in flight queue behind the one worker; all are still answered right.
    assert_eq!((r.events, r.errors, r.in_flight), (30, 0, 3), "{r:#?}");
}

#[tokio::test]
async fn wrong_answers_are_counted_unless_the_event_is_meant_to_fail() {
    let events = [event("bad.json", r#"{"error":"InvalidPayload"}"#)];
    let results = measure(&[fake()], &events, &options(&[2], 10, 2)).await;
    let r = &results[0];
    assert_eq!((r.events, r.errors), (10, 10), "{r:#?}");
    assert_eq!(r.mismatches.len(), 5);
    assert_eq!(
        r.mismatches[0],
        "#1: expected a success, got InvalidPayload: InvalidPayload raised on purpose"
    );
    assert_eq!(
        r.notes,
        ["first answer: expected a success, got InvalidPayload: InvalidPayload raised on purpose"]
    );

    let opts = LoadOptions {
        expect_failure: vec!["bad".into()],
        ..options(&[2], 10, 2)
    };
    let results = measure(&[fake()], &events, &opts).await;
    assert_all_right(&results[0], 10);
}

#[tokio::test]
async fn a_crash_counts_every_event_as_an_error_and_says_why() {
    let results = measure(
        &[fake()],
        &[event("crash.json", r#"{"crash":true}"#)],
        &options(&[2], 10, 2),
    )
    .await;
    let r = &results[0];
    assert_eq!((r.events, r.errors), (0, 10), "{r:#?}");
    assert!(
        r.notes[0].starts_with("the process killed by signal 6"),
        "{r:#?}"
    );
    assert!(r.notes.iter().any(|n| n.contains("crashing now")), "{r:#?}");
}

/// The Go contender (aws-lambda-go honours AWS_LAMBDA_MAX_CONCURRENCY): N polls, the seed
/// event's answer every time. `scripts/test.sh go` runs this after building it and sets
/// LAMBDA_BENCH_GO_BOOTSTRAP; otherwise $CARGO_TARGET_DIR/go/amd64/bootstrap is used if there.
#[tokio::test]
async fn go_contender_serves_n_at_once() {
    let binary = match std::env::var_os("LAMBDA_BENCH_GO_BOOTSTRAP") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "LAMBDA_BENCH_GO_BOOTSTRAP={}: no such file",
                path.display()
            );
            path
        }
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../target").into());
            let path = PathBuf::from(target).join("go/amd64/bootstrap");
            if !path.is_file() {
                eprintln!(
                    "skipped: no Go contender at {} (scripts/build-go.sh builds it)",
                    path.display()
                );
                return;
            }
            path
        }
    };
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/seed-3tx.json"
    ))
    .unwrap();
    let go = Target {
        name: "go".into(),
        binary,
    };
    let events = [Event {
        name: "seed-3tx.json".into(),
        payload: seed.into(),
    }];
    let results = measure(&[go], &events, &options(&[1, 4], 200, 20)).await;
    for r in &results {
        assert_all_right(r, 200);
    }
}

#[tokio::test]
async fn a_time_cap_stops_releasing_and_awaits_what_is_in_flight() {
    let opts = LoadOptions {
        max_window: Some(Duration::from_millis(200)),
        ..options(&[2], 1000, 4)
    };
    let results = measure(
        &[fake()],
        &[event("slow.json", r#"{"sleep_ms":20}"#)],
        &opts,
    )
    .await;
    let r = &results[0];
    // 20 ms events two at a time cannot reach 1000 in 200 ms; whatever was released is answered.
    assert!(r.events >= 2 && r.events < 1000, "{r:#?}");
    assert_eq!(r.errors, 0, "{r:#?}");
    assert!(r.notes.is_empty(), "{r:#?}");
}
