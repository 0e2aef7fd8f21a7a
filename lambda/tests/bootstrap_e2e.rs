//! The real `bootstrap` binary against a local Lambda Runtime API (lambda-bench's): valid and
//! invalid events, direct and through API Gateway, on one process that must keep serving.
//! Runs the host build always; the arm64 release build under qemu-user is an ignored test that
//! `scripts/test.sh hostile_arm64` runs explicitly, where the arm64 build exists.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use lambda_bench::{LocalFunction, Outcome, SpawnConfig};
use serde_json::Value;
use transactions_lambda::function::processor::MAX_EVENT_BYTES;

use support::{event_file as event, seed_answer};

async fn start(binary: PathBuf, env: Vec<(String, String)>) -> LocalFunction {
    let mut cfg = SpawnConfig::new(binary);
    cfg.memory_mb = 256;
    cfg.env = env;
    support::start_ready(&cfg, Duration::from_secs(30)).await
}

/// Invokes an API Gateway event: the answer's envelope and the JSON document in its body.
async fn http_answer(f: &mut LocalFunction, event: Vec<u8>, timeout: Duration) -> (Value, Value) {
    let out = f.invoke(event, timeout).await;
    let Outcome::Response(body) = &out.outcome else {
        panic!("not an HTTP answer: {:?}", out.outcome)
    };
    let envelope: Value = serde_json::from_slice(body).unwrap();
    let inner = serde_json::from_str(envelope["body"].as_str().unwrap()).unwrap();
    (envelope, inner)
}

/// The scenario every build must pass.
async fn serves_valid_and_invalid_events(binary: PathBuf) {
    let mut f = start(
        binary,
        vec![("AWS_LAMBDA_LOG_FORMAT".into(), "JSON".into())],
    )
    .await;
    let timeout = Duration::from_secs(20);
    for round in 0..2 {
        // Direct invocation: the raw payload.
        let out = f.invoke(event("seed-3tx.json"), timeout).await;
        let Outcome::Response(body) = &out.outcome else {
            panic!("round {round}: {:?}", out.outcome)
        };
        let v: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["status"], "success");
        assert_eq!(v["totalCredit"].to_string(), seed_answer().total);
        assert_eq!(v["signature"], seed_answer().signature);
        assert_eq!(v["requestId"], "req-seed-0001");

        // Every invalid sample is a function error with a specific type and field.
        for (name, error_type, needle) in [
            (
                "invalid/missing-transactions.json",
                "InvalidPayload",
                "transactions: missing",
            ),
            (
                "invalid/amount-string.json",
                "InvalidPayload",
                "transactions[0].amount",
            ),
            ("invalid/malformed.json", "InvalidJson", "not valid JSON"),
            (
                "invalid/empty-id.json",
                "InvalidPayload",
                "transactions[0].id",
            ),
            (
                "invalid/too-precise.json",
                "InvalidAmount",
                "transactions[0].amount",
            ),
        ] {
            let out = f.invoke(event(name), timeout).await;
            let Outcome::FunctionError(err) = &out.outcome else {
                panic!("{name}: {:?}", out.outcome)
            };
            assert_eq!(err.error_type, error_type, "{name}");
            assert!(
                err.error_message.contains(needle),
                "{name}: {}",
                err.error_message
            );
        }

        // API Gateway: plain and base64 bodies, and a 400.
        for name in ["apigw-seed.json", "apigw-seed-base64.json"] {
            let (v, inner) = http_answer(&mut f, event(name), timeout).await;
            assert_eq!(v["statusCode"], 200, "{name}");
            assert_eq!(v["headers"]["content-type"], "application/json");
            assert_eq!(inner["signature"], seed_answer().signature);
        }
        let mut bad: Value = serde_json::from_slice(&event("apigw-seed.json")).unwrap();
        bad["body"] = r#"{"transactions":[{"id":"a","amount":true,"type":"CREDIT"}]}"#.into();
        let (v, inner) = http_answer(&mut f, bad.to_string().into_bytes(), timeout).await;
        assert_eq!(v["statusCode"], 400);
        assert_eq!(inner["error"]["code"], "INVALID_PAYLOAD");
    }
    // An API Gateway event past the hard limit: the runtime keeps one byte more than the limit
    // (drains the rest), so the 413 names exactly that size whatever was sent.
    let mut huge: Value = serde_json::from_slice(&event("apigw-seed.json")).unwrap();
    // Last in serde_json's sorted keys: the telling keys come before the cut.
    huge["zpad"] = "x".repeat(MAX_EVENT_BYTES + 4096).into();
    let (v, inner) = http_answer(&mut f, huge.to_string().into_bytes(), timeout).await;
    assert_eq!(v["statusCode"], 413);
    let expected = format!("body: {} bytes exceeds", MAX_EVENT_BYTES + 1);
    let message = inner["error"]["message"].as_str().unwrap();
    assert!(message.starts_with(&expected), "{message}");
    // Every answer was read to its end, so one keep-alive connection carried all of it.
    assert_eq!(f.api().stats().connections, 1, "{:?}", f.api().stats());
    // Logs are JSON lines that name the failure, never payload values.
    let logs = f.process().log_tail(200);
    let text: Vec<String> = logs.iter().map(|l| format!("{l:?}")).collect();
    let warn = text
        .iter()
        .find(|l| l.contains("invalid input"))
        .expect("a warning per invalid event");
    assert!(
        warn.contains("InvalidPayload")
            || warn.contains("InvalidJson")
            || warn.contains("InvalidAmount"),
        "{warn}"
    );
    assert!(
        !text
            .iter()
            .any(|l| l.contains("tx-1") || l.contains("150.5")),
        "payload leaked into logs: {text:?}"
    );
    assert!(f.process().is_running());
}

#[tokio::test]
async fn host_bootstrap_serves_valid_and_invalid_events() {
    serves_valid_and_invalid_events(PathBuf::from(env!("CARGO_BIN_EXE_bootstrap"))).await;
}

/// Needs the arm64 build: `scripts/test.sh hostile_arm64` runs it with `--ignored` after
/// `scripts/test.sh arm64` has built it.
#[tokio::test]
#[ignore = "needs the arm64 bootstrap: TRANSACTIONS_BOOTSTRAP_ARM64, set by scripts/test.sh hostile_arm64"]
async fn arm64_bootstrap_serves_under_qemu() {
    let path = std::env::var_os("TRANSACTIONS_BOOTSTRAP_ARM64")
        .map(PathBuf::from)
        .expect("TRANSACTIONS_BOOTSTRAP_ARM64 names the arm64 bootstrap (scripts/build-arm64.sh)");
    assert!(path.is_file(), "{} does not exist", path.display());
    serves_valid_and_invalid_events(path).await;
}

#[tokio::test]
async fn debug_level_logs_the_event_for_troubleshooting() {
    let mut f = start(
        PathBuf::from(env!("CARGO_BIN_EXE_bootstrap")),
        vec![("AWS_LAMBDA_LOG_LEVEL".into(), "DEBUG".into())],
    )
    .await;
    let out = f
        .invoke(event("seed-3tx.json"), Duration::from_secs(20))
        .await;
    assert!(matches!(out.outcome, Outcome::Response(_)));
    f.process_mut().drain_logs(Duration::from_millis(200)).await;
    let logs: Vec<String> = f
        .process()
        .log_tail(50)
        .iter()
        .map(|l| format!("{l:?}"))
        .collect();
    assert!(logs.iter().any(|l| l.contains("tx-1")), "{logs:?}");
}
