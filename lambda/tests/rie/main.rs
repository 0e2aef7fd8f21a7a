//! The bootstrap against AWS's Runtime Interface Emulator (RIE), the official local peer that
//! plays Lambda: classic mode (one invoke at a time) and Managed Instances mode
//! (AWS_LAMBDA_MAX_CONCURRENCY=N: RIE hands an invoke to a waiting `/next` poll, and refuses it with
//! `Runtime.Unavailable` when none waits). Every answer is checked against its own event, with
//! the expected values computed here (oracle.rs).
//!
//! Ignored unless run by `scripts/test.sh rie`, which builds what they need and names it:
//!   TRANSACTIONS_RIE            RIE (scripts/build-rie.sh)
//!   TRANSACTIONS_BOOTSTRAP      ours (default: this package's debug build)
//!   TRANSACTIONS_GO_BOOTSTRAP   the Go contender for this host (scripts/build-go.sh)
//!   TRANSACTIONS_BOOTSTRAP_ARM64 the shipped arm64 build (scripts/build-arm64.sh), run under qemu
//!   TRANSACTIONS_GO_BOOTSTRAP_ARM64 the Go contender for arm64 (scripts/build-go.sh), likewise

#[path = "../support/mod.rs"]
mod support;

mod emulator;
mod invoke;
mod oracle;

// The batch generator of `examples/gen_batch` (reproducible: the same seed, the same bytes).
#[path = "../../examples/gen_batch/batch.rs"]
#[allow(dead_code)]
mod batch;

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use emulator::{Bootstrap, Emulator, Mode};
use invoke::Answer;
use oracle::Expected;
use support::event_file;

/// Transactions in each event released at once (about 1.1 MB each).
const BIG_BATCH: usize = 20_000;

fn required_path(var: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{var} names {what} (scripts/test.sh rie sets it)"));
    assert!(path.is_file(), "{var}: {} does not exist", path.display());
    path
}

fn rie() -> PathBuf {
    required_path("TRANSACTIONS_RIE", "RIE, from scripts/build-rie.sh")
}

fn ours() -> Bootstrap {
    Bootstrap::Native(support::bootstrap_under_test())
}

fn go_contender() -> Bootstrap {
    Bootstrap::Native(required_path(
        "TRANSACTIONS_GO_BOOTSTRAP",
        "the Go contender for this host, from scripts/build-go.sh",
    ))
}

fn go_contender_arm64() -> Bootstrap {
    Bootstrap::Arm64UnderQemu(required_path(
        "TRANSACTIONS_GO_BOOTSTRAP_ARM64",
        "the Go contender for arm64, from scripts/build-go.sh",
    ))
}

fn ours_arm64() -> Bootstrap {
    Bootstrap::Arm64UnderQemu(required_path(
        "TRANSACTIONS_BOOTSTRAP_ARM64",
        "the arm64 bootstrap, from scripts/build-arm64.sh",
    ))
}

/// `count` distinct generated batches (seeds 1..=count) of `transactions` each.
fn distinct_batches(count: usize, transactions: usize) -> Vec<Bytes> {
    (1..=count as u64)
        .map(|seed| {
            let spec = batch::BatchSpec {
                transactions,
                seed,
                ..batch::BatchSpec::default()
            };
            let mut out = Vec::new();
            batch::write_batch(&spec, &mut out).expect("generate a batch");
            Bytes::from(out)
        })
        .collect()
}

/// A function error as RIE returns it: the `errorType` and `errorMessage` the runtime posted.
fn function_error(answer: &Answer) -> Option<(String, String)> {
    let v: Value = serde_json::from_slice(&answer.body).ok()?;
    Some((
        v.get("errorType")?.as_str()?.to_owned(),
        v.get("errorMessage")?.as_str()?.to_owned(),
    ))
}

/// What one invoke must get.
enum Want {
    /// A success, checked field by field by `check`.
    Success(Expected, fn(&[u8], &Expected) -> Result<(), String>),
    /// A function error of this type whose message contains this text.
    Error(String, String),
}

fn verdict(answer: &Result<Answer, String>, want: &Want) -> Result<(), String> {
    let answer = answer.as_ref().map_err(Clone::clone)?;
    if answer.status != 200 {
        return Err(answer.text());
    }
    match want {
        Want::Success(expected, check) => {
            check(&answer.body, expected).map_err(|e| format!("{e} in {}", answer.text()))
        }
        Want::Error(error_type, needle) => match function_error(answer) {
            Some((t, m)) if &t == error_type && m.contains(needle.as_str()) => Ok(()),
            _ => Err(format!(
                "expected a {error_type} error naming {needle:?}, got {}",
                answer.text()
            )),
        },
    }
}

/// Managed Instances mode with `max_concurrency` = the number of events: waits for the bootstrap's
/// polls, releases every invoke at the same moment and requires each answer to be its event's.
async fn all_answered_at_once(
    bootstrap: Bootstrap,
    events: Vec<(Bytes, Want)>,
    patience: Patience,
) {
    let n = events.len();
    let mut rie = Emulator::start(
        &rie(),
        &bootstrap,
        Mode::ManagedInstances { max_concurrency: n },
    );
    let polls = rie.wait_for_polls(patience.first_poll, patience.settle);
    let payloads: Vec<Bytes> = events.iter().map(|(e, _)| e.clone()).collect();
    let answers = invoke::invoke_together(rie.invoke_addr, &payloads, patience.invoke).await;
    let verdicts: Vec<Result<(), String>> = answers
        .iter()
        .zip(&events)
        .map(|(answer, (_, want))| verdict(answer, want))
        .collect();
    let right = verdicts.iter().filter(|v| v.is_ok()).count();
    let report: Vec<String> = verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Ok(()) => format!("  invoke {i}: right"),
            Err(e) => format!("  invoke {i}: {e}"),
        })
        .collect();
    let running = rie.is_running();
    assert!(
        polls == n && right == n && running,
        "{bootstrap:?}, AWS_LAMBDA_MAX_CONCURRENCY={n}: {polls} of {n} /next polls open before \
         the release, {right} of {n} answers right, RIE {}\n{}\nRIE log:\n{}",
        if running { "still running" } else { "ended" },
        report.join("\n"),
        rie.log_text()
    );
}

/// How long to wait, natively or under qemu.
#[derive(Clone, Copy)]
struct Patience {
    /// For the bootstrap's first `/next` poll.
    first_poll: Duration,
    /// For the poll count to grow once it has started.
    settle: Duration,
    /// For each answer.
    invoke: Duration,
}

const NATIVE: Patience = Patience {
    first_poll: Duration::from_secs(20),
    settle: Duration::from_secs(2),
    invoke: Duration::from_secs(60),
};

const UNDER_QEMU: Patience = Patience {
    first_poll: Duration::from_secs(60),
    settle: Duration::from_secs(10),
    invoke: Duration::from_secs(120),
};

fn ours_right(events: &[Bytes]) -> Vec<(Bytes, Want)> {
    events
        .iter()
        .map(|e| {
            let want = Want::Success(oracle::expected(e), oracle::check_ours);
            (e.clone(), want)
        })
        .collect()
}

fn go_right(events: &[Bytes]) -> Vec<(Bytes, Want)> {
    events
        .iter()
        .map(|e| {
            let want = Want::Success(oracle::expected(e), oracle::check_go);
            (e.clone(), want)
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs RIE: TRANSACTIONS_RIE, set by scripts/test.sh rie"]
async fn classic_mode_answers_the_seed_and_names_the_invalid_field() {
    let mut rie = Emulator::start(&rie(), &ours(), Mode::Classic);
    let seed = Bytes::from(event_file("seed-3tx.json"));
    let expected = oracle::expected(&seed);
    // The published figures and the oracle agree.
    let published = support::seed_answer();
    assert_eq!(oracle::decimal(expected.total_cents), published.total);
    assert_eq!(expected.signature, published.signature);
    let invalid = [
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
    ];
    // One after another, never overlapping: classic RIE crashes on a second invoke in flight.
    for round in 0..2 {
        let answer = invoke::invoke(rie.invoke_addr, seed.clone(), NATIVE.invoke).await;
        let want = Want::Success(expected.clone(), oracle::check_ours);
        if let Err(e) = verdict(&answer, &want) {
            panic!("round {round}, seed: {e}\nRIE log:\n{}", rie.log_text());
        }
        for (name, error_type, needle) in invalid {
            let event = Bytes::from(event_file(name));
            let answer = invoke::invoke(rie.invoke_addr, event, NATIVE.invoke).await;
            let want = Want::Error(error_type.into(), needle.into());
            if let Err(e) = verdict(&answer, &want) {
                panic!("round {round}, {name}: {e}\nRIE log:\n{}", rie.log_text());
            }
        }
    }
    assert!(rie.is_running(), "RIE ended:\n{}", rie.log_text());
}

#[tokio::test]
#[ignore = "needs RIE: TRANSACTIONS_RIE, set by scripts/test.sh rie"]
async fn managed_instances_4_distinct_events_at_once_are_all_answered_right() {
    all_answered_at_once(ours(), ours_right(&distinct_batches(4, BIG_BATCH)), NATIVE).await;
}

#[tokio::test]
#[ignore = "needs RIE: TRANSACTIONS_RIE, set by scripts/test.sh rie"]
async fn managed_instances_8_distinct_events_at_once_are_all_answered_right() {
    all_answered_at_once(ours(), ours_right(&distinct_batches(8, BIG_BATCH)), NATIVE).await;
}

#[tokio::test]
#[ignore = "needs RIE: TRANSACTIONS_RIE, set by scripts/test.sh rie"]
async fn managed_instances_hostile_and_oversized_events_beside_good_ones() {
    let mut events = ours_right(&distinct_batches(2, BIG_BATCH));
    // A hostile event from the corpus, with the answer its manifest gives.
    let manifest: Value = serde_json::from_slice(&event_file("hostile/manifest.json")).unwrap();
    let hostile = manifest["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "amount-1e400.json")
        .expect("amount-1e400.json in the hostile manifest");
    events.push((
        Bytes::from(event_file("hostile/amount-1e400.json")),
        Want::Error(
            hostile["expect"]["errorType"].as_str().unwrap().into(),
            hostile["expect"]["messageContains"]
                .as_str()
                .unwrap()
                .into(),
        ),
    ));
    // Past the 6 MiB direct-event limit: refused unread, naming the limit.
    let oversized = format!(
        r#"{{"requestId":"req-oversized","pad":"{}","transactions":[]}}"#,
        "x".repeat(6 * 1024 * 1024)
    );
    events.push((
        Bytes::from(oversized),
        Want::Error(
            "PayloadTooLarge".into(),
            "exceeds the 6291456-byte limit".into(),
        ),
    ));
    all_answered_at_once(ours(), events, NATIVE).await;
}

#[tokio::test]
#[ignore = "needs RIE and the Go contender: TRANSACTIONS_RIE, TRANSACTIONS_GO_BOOTSTRAP, set by scripts/test.sh rie"]
async fn go_contender_managed_instances_4_distinct_events_at_once() {
    all_answered_at_once(
        go_contender(),
        go_right(&distinct_batches(4, BIG_BATCH)),
        NATIVE,
    )
    .await;
}

#[tokio::test]
#[ignore = "needs RIE and the Go contender: TRANSACTIONS_RIE, TRANSACTIONS_GO_BOOTSTRAP, set by scripts/test.sh rie"]
async fn go_contender_managed_instances_8_distinct_events_at_once() {
    all_answered_at_once(
        go_contender(),
        go_right(&distinct_batches(8, BIG_BATCH)),
        NATIVE,
    )
    .await;
}

/// The shipped arm64 build under qemu-user: smaller events, as qemu is slow.
#[tokio::test]
#[ignore = "needs RIE and the arm64 bootstrap: TRANSACTIONS_RIE, TRANSACTIONS_BOOTSTRAP_ARM64, set by scripts/test.sh rie"]
async fn arm64_managed_instances_4_distinct_events_at_once_under_qemu() {
    all_answered_at_once(
        ours_arm64(),
        ours_right(&distinct_batches(4, 2_000)),
        UNDER_QEMU,
    )
    .await;
}

/// The Go contender's arm64 build the same way: the qemu path with a runtime that keeps N polls.
#[tokio::test]
#[ignore = "needs RIE and the Go contender for arm64: TRANSACTIONS_RIE, TRANSACTIONS_GO_BOOTSTRAP_ARM64, set by scripts/test.sh rie"]
async fn go_contender_arm64_managed_instances_4_distinct_events_at_once_under_qemu() {
    all_answered_at_once(
        go_contender_arm64(),
        go_right(&distinct_batches(4, 2_000)),
        UNDER_QEMU,
    )
    .await;
}

/// The oracle against the generator's own bookkeeping (written independently of each other).
#[test]
fn oracle_agrees_with_the_generator() {
    for seed in 1..=3 {
        let spec = batch::BatchSpec {
            transactions: 500,
            seed,
            ..batch::BatchSpec::default()
        };
        let mut out = Vec::new();
        let generated = batch::write_batch(&spec, &mut out).unwrap();
        let expected = oracle::expected(&out);
        assert_eq!(expected.request_id, generated.request_id);
        assert_eq!(expected.credit_count as usize, generated.credit_count);
        assert_eq!(expected.total_cents, generated.total_credit_cents);
        assert!((expected.total_f64 - expected.total_cents as f64 / 100.0).abs() < 1e-6);
    }
    let seed = oracle::expected(support::SEED.as_bytes());
    assert_eq!(seed.total_cents, 65_050);
    assert_eq!(oracle::decimal(seed.total_cents), "650.5");
    assert_eq!(oracle::decimal(7), "0.07");
    assert_eq!(oracle::decimal(50_000), "500");
    assert_eq!(seed.credit_count, 2);
}

/// Each check refuses a wrong answer, field by field.
#[test]
fn checks_refuse_a_wrong_answer() {
    let want = oracle::expected(support::SEED.as_bytes());
    let right = support::seed_answer_bytes();
    assert_eq!(oracle::check_ours(right.as_bytes(), &want), Ok(()));
    for (from, to) in [
        ("650.5", "650.50"),
        ("15f6e99f", "15f6e99e"),
        ("req-seed-0001", "req-seed-0002"),
        (r#""creditCount":2"#, r#""creditCount":3"#),
        (r#""success""#, r#""failure""#),
    ] {
        let wrong = right.replace(from, to);
        assert!(
            oracle::check_ours(wrong.as_bytes(), &want).is_err(),
            "{wrong}"
        );
    }
    let go = r#"{"status":"success","totalCredit":650.5,"signature":"15f6e99f77968b2e9d2fadcf37ba573a10d0fa53adbed145af145ab44841c69f","processedAt":"2026-01-01T00:00:00Z"}"#;
    assert_eq!(oracle::check_go(go.as_bytes(), &want), Ok(()));
    assert!(oracle::check_go(go.replace("650.5", "650.25").as_bytes(), &want).is_err());
    assert!(oracle::check_go(go.replace("15f6", "25f6").as_bytes(), &want).is_err());
}
