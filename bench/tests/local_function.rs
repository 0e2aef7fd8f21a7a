//! A real process (the crate's `fake-bootstrap`) against the in-process Runtime API: the
//! measurements match known sleeps, and every way a function can fail is reported as such.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lambda_bench::runtime_api::{AnomalyKind, Fault};
use lambda_bench::{InitStatus, LocalFunction, Outcome, SpawnConfig};

fn fake(env: &[(&str, &str)]) -> SpawnConfig {
    let mut cfg = SpawnConfig::new(PathBuf::from(env!("CARGO_BIN_EXE_fake-bootstrap")));
    cfg.memory_mb = 256;
    cfg.env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    cfg
}

const INIT: Duration = Duration::from_secs(10);
// Scheduling noise on a shared 2-core machine; the lower bound is strict.
const SLACK: Duration = Duration::from_millis(150);

fn assert_gone(pid: u32) {
    let started = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "process {pid} still exists"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn logs(f: &LocalFunction) -> String {
    f.process()
        .log_tail(50)
        .iter()
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn known_sleeps_show_up_as_init_and_duration() {
    let mut f = LocalFunction::start(&fake(&[("FAKE_INIT_MS", "200")]), INIT)
        .await
        .unwrap();
    assert_eq!(f.init().status, InitStatus::Ready);
    let init = f.init().duration;
    assert!(
        init >= Duration::from_millis(200) && init < Duration::from_millis(200) + SLACK,
        "{init:?}"
    );
    for _ in 0..3 {
        let out = f
            .invoke(&br#"{"sleep_ms":100}"#[..], Duration::from_secs(3))
            .await;
        assert_eq!(
            out.outcome,
            Outcome::Response(bytes::Bytes::from_static(br#"{"sleep_ms":100}"#))
        );
        let d = out.duration;
        assert!(
            d >= Duration::from_millis(100) && d < Duration::from_millis(100) + SLACK,
            "{d:?}"
        );
    }
    let quick = f.invoke(&b"{}"[..], Duration::from_secs(3)).await;
    assert!(
        quick.duration < Duration::from_millis(50),
        "{:?}",
        quick.duration
    );
    // The fake keeps one connection for everything.
    assert_eq!(f.api().stats().connections, 1);
    assert!(
        logs(&f).contains("fake bootstrap starting, memory 256"),
        "{}",
        logs(&f)
    );
    let pid = f.process().pid();
    drop(f);
    assert_gone(pid);
}

#[tokio::test]
async fn peak_rss_follows_allocation() {
    let small = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    let big = LocalFunction::start(&fake(&[("FAKE_ALLOC_MB", "64")]), INIT)
        .await
        .unwrap();
    let small_rss = small.process().peak_rss_bytes().unwrap();
    let big_rss = big.process().peak_rss_bytes().unwrap();
    assert!(small_rss < 32 << 20, "{small_rss}");
    assert!(big_rss >= 64 << 20, "{big_rss}");
    // After exit the figure comes from wait4 and still holds.
    let exit = big.shutdown().await.unwrap();
    assert!(exit.peak_rss_bytes.unwrap() >= 64 << 20, "{exit:?}");
}

#[tokio::test]
async fn function_error_is_reported() {
    let mut f = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    let out = f
        .invoke(
            &br#"{"error":"InvalidPayload"}"#[..],
            Duration::from_secs(3),
        )
        .await;
    let Outcome::FunctionError(e) = out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(e.error_type, "InvalidPayload");
    assert_eq!(e.error_message, "InvalidPayload raised on purpose");
    assert!(f.is_ready(), "an error is not a crash");
}

#[tokio::test]
async fn crash_during_invocation_is_reported_with_log_tail() {
    let mut f = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    let out = f
        .invoke(&br#"{"crash":true}"#[..], Duration::from_secs(5))
        .await;
    let Outcome::Crashed(exit) = &out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(exit.signal, Some(libc::SIGABRT), "{exit}");
    assert!(out.delivered_at.is_some());
    assert!(!f.is_ready());
    assert!(logs(&f).contains("crashing now"), "{}", logs(&f));
}

#[tokio::test]
async fn hang_times_out_and_the_process_is_killed() {
    let mut f = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    let started = Instant::now();
    let out = f
        .invoke(&br#"{"hang":true}"#[..], Duration::from_millis(300))
        .await;
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(out.duration >= Duration::from_millis(300));
    assert!(!f.process().is_running());
    assert_gone(f.process().pid());
}

#[tokio::test]
async fn init_error_is_reported() {
    let f = LocalFunction::start(&fake(&[("FAKE_INIT", "error")]), INIT)
        .await
        .unwrap();
    let InitStatus::InitError(e) = &f.init().status else {
        panic!("{:?}", f.init())
    };
    assert_eq!(e.error_type, "Runtime.ConfigError");
    assert_eq!(e.error_message, "missing TABLE_NAME");
    assert!(!f.is_ready());
}

#[tokio::test]
async fn crash_during_init_is_reported() {
    let f = LocalFunction::start(&fake(&[("FAKE_INIT", "crash")]), INIT)
        .await
        .unwrap();
    let InitStatus::Crashed(exit) = &f.init().status else {
        panic!("{:?}", f.init())
    };
    assert_eq!(exit.code, Some(3));
    assert!(logs(&f).contains("cannot start: boom"), "{}", logs(&f));
}

#[tokio::test]
async fn garbage_and_hang_in_init_time_out_with_evidence() {
    let started = Instant::now();
    let f = LocalFunction::start(
        &fake(&[("FAKE_INIT", "garbage")]),
        Duration::from_millis(500),
    )
    .await
    .unwrap();
    assert_eq!(f.init().status, InitStatus::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        f.api()
            .anomalies()
            .iter()
            .any(|a| a.kind == AnomalyKind::BadRequest),
        "{:?}",
        f.api().anomalies()
    );
    assert!(!f.process().is_running());

    let f = LocalFunction::start(&fake(&[("FAKE_INIT", "hang")]), Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(f.init().status, InitStatus::Timeout);
    assert_gone(f.process().pid());
}

#[tokio::test]
async fn answer_under_a_wrong_id_is_a_timeout_with_an_anomaly() {
    let mut f = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    let out = f
        .invoke(&br#"{"bad_id":true}"#[..], Duration::from_millis(300))
        .await;
    assert_eq!(out.outcome, Outcome::Timeout);
    let anomalies = f.api().anomalies();
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert_eq!(anomalies[0].kind, AnomalyKind::UnknownRequestId);
}

#[tokio::test]
async fn runtime_retries_through_an_injected_500() {
    let mut f = LocalFunction::start(&fake(&[]), INIT).await.unwrap();
    // The fake's first `next` is already waiting; the fault hits the one after this invoke.
    f.api().inject(Fault::NextStatus(500));
    for _ in 0..2 {
        let out = f.invoke(&b"{}"[..], Duration::from_secs(3)).await;
        assert!(
            matches!(out.outcome, Outcome::Response(_)),
            "{:?}",
            out.outcome
        );
    }
    assert!(logs(&f).contains("next answered 500"), "{}", logs(&f));
}

#[tokio::test]
async fn missing_binary_is_a_clear_error() {
    let err = LocalFunction::start(&SpawnConfig::new("/nonexistent/bootstrap"), INIT)
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("/nonexistent/bootstrap"), "{err}");
}
