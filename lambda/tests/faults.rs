//! A misbehaving platform, against the real `bootstrap`: the local Runtime API (lambda-bench)
//! answers 500, drops connections, goes away, refuses a result, or hands out an event whose
//! deadline has passed. What Lambda expects from a custom runtime:
//!
//! - the Runtime API failing (`next` errors, a result post that cannot be delivered or gets a
//!   5xx): log one clear FATAL line and exit non-zero, so the platform starts a fresh sandbox;
//! - a result the API refuses with a 4xx: report an error for the invocation and keep serving;
//! - an event past its deadline: post `DeadlineExceeded` instead of working, keep serving.
//!
//! The bootstrap is this build's, or the one `TRANSACTIONS_BOOTSTRAP` names.

mod support;

use std::time::Duration;

use lambda_bench::runtime_api::AnomalyKind;
use lambda_bench::{ExitInfo, Fault, LocalFunction, Outcome, SpawnConfig};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(20);
const FATAL: &str = "FATAL - runtime loop stopped; exiting for the platform to restart";

fn seed() -> Vec<u8> {
    support::SEED.as_bytes().to_vec()
}

async fn start() -> LocalFunction {
    support::start_ready(
        &SpawnConfig::new(support::bootstrap_under_test()),
        Duration::from_secs(60),
    )
    .await
}

/// Invokes the seed event and checks the answer.
async fn serves_seed(f: &mut LocalFunction) {
    let out = f.invoke(seed(), TIMEOUT).await;
    let Outcome::Response(body) = &out.outcome else {
        panic!("{:?}; logs {:?}", out.outcome, f.process().log_tail(10))
    };
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["signature"], support::seed_answer().signature);
}

async fn logs(f: &mut LocalFunction) -> Vec<String> {
    f.process_mut().drain_logs(Duration::from_secs(2)).await;
    f.process()
        .log_tail(400)
        .into_iter()
        .map(|l| l.text)
        .collect()
}

/// Waits for the process to exit on its own (it must, within the bound).
async fn exit(f: &LocalFunction) -> ExitInfo {
    tokio::time::timeout(Duration::from_secs(10), f.process().exited())
        .await
        .expect("the bootstrap kept running after a Runtime API failure")
}

/// Asserts one FATAL line naming `cause`.
fn assert_fatal(logs: &[String], cause: &str) {
    let fatal: Vec<&String> = logs.iter().filter(|l| l.contains(" FATAL ")).collect();
    assert_eq!(fatal.len(), 1, "{logs:?}");
    assert!(
        fatal[0].contains(FATAL) && fatal[0].contains(cause),
        "{:?} lacks {cause:?}",
        fatal[0]
    );
}

#[tokio::test]
async fn next_answering_500_ends_the_process_with_a_fatal_line() {
    let mut f = start().await;
    // Init ended with the runtime's first `next`, already waiting: the fault hits the one
    // after this event.
    f.api().inject(Fault::NextStatus(500));
    serves_seed(&mut f).await;
    let exit = exit(&f).await;
    assert_eq!(exit.code, Some(1), "{exit}");
    assert_fatal(
        &logs(&mut f).await,
        "error=GET next answered 500 Internal Server Error",
    );
}

#[tokio::test]
async fn runtime_api_going_away_ends_the_process() {
    let mut f = start().await;
    serves_seed(&mut f).await;
    // Closes every connection, the runtime's pending long-poll included.
    f.api().stop();
    let exit = exit(&f).await;
    assert_eq!(exit.code, Some(1), "{exit}");
    assert_fatal(&logs(&mut f).await, "error=GET next: ");
}

#[tokio::test]
async fn next_connection_dropped_ends_the_process() {
    let mut f = start().await;
    f.api().inject(Fault::NextDrop);
    serves_seed(&mut f).await;
    let exit = exit(&f).await;
    assert_eq!(exit.code, Some(1), "{exit}");
    assert_fatal(&logs(&mut f).await, "error=GET next: ");
}

#[tokio::test]
async fn a_refused_response_becomes_an_error_and_serving_goes_on() {
    let mut f = start().await;
    f.api().inject(Fault::RejectResult(413));
    let out = f.invoke(seed(), TIMEOUT).await;
    let Outcome::FunctionError(err) = &out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(err.error_type, "ResponseRejected");
    assert!(err.error_message.contains("413"), "{}", err.error_message);
    serves_seed(&mut f).await;
    assert!(f.is_ready());
    let logs = logs(&mut f).await;
    assert!(
        logs.iter().any(|l| l.contains(" ERROR ")
            && l.contains(&out.request_id)
            && l.contains("the Runtime API refused the response status=413")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn a_response_post_whose_connection_drops_ends_the_process() {
    let mut f = start().await;
    f.api().inject(Fault::DropResult);
    let out = f.invoke(seed(), TIMEOUT).await;
    let Outcome::Crashed(exit) = &out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(exit.code, Some(1), "{exit}");
    assert_fatal(&logs(&mut f).await, "error=POST response: ");
}

#[tokio::test]
async fn a_response_post_answered_500_ends_the_process() {
    let mut f = start().await;
    f.api().inject(Fault::RejectResult(500));
    let out = f.invoke(seed(), TIMEOUT).await;
    let Outcome::Crashed(exit) = &out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(exit.code, Some(1), "{exit}");
    assert_fatal(
        &logs(&mut f).await,
        "error=POST response answered 500 Internal Server Error",
    );
}

#[tokio::test]
async fn an_error_post_answered_500_ends_the_process() {
    let mut f = start().await;
    f.api().inject(Fault::RejectResult(500));
    let out = f.invoke(&b"{"[..], TIMEOUT).await;
    assert!(
        matches!(out.outcome, Outcome::Crashed(_)),
        "{:?}",
        out.outcome
    );
    assert_eq!(exit(&f).await.code, Some(1));
    assert_fatal(
        &logs(&mut f).await,
        "error=POST error answered 500 Internal Server Error",
    );
}

/// Lambda's deadline header and its timeout come from the same clock, so an event is "past
/// its deadline" when it takes longer to arrive than the timeout allows: a 13 MiB event with a
/// 1 ms timeout. The caller sees a timeout (as with Lambda); the runtime must notice, post
/// `DeadlineExceeded` rather than work on it, and serve the next event.
#[tokio::test]
async fn an_event_past_its_deadline_is_failed_and_serving_goes_on() {
    let mut f = start().await;
    let big = vec![b' '; 13 * 1024 * 1024];
    let mut attempts = 0;
    let request_id = loop {
        attempts += 1;
        assert!(attempts <= 20, "no event was delivered late in 20 attempts");
        let mark = f.process().log_mark();
        // The API's own invoke: a timeout here must not kill the process, unlike
        // LocalFunction::invoke, which resets the sandbox the way Lambda does.
        let out = f.api().invoke(big.clone(), Duration::from_millis(1)).await;
        assert_eq!(out.outcome, Outcome::Timeout);
        if out.delivered_at.is_none() {
            continue; // given up before the runtime asked for it: nothing was late
        }
        // Wait for the runtime to finish with it (it refuses or answers, then asks again).
        serves_seed(&mut f).await;
        let late = f
            .process()
            .logs_since(mark)
            .iter()
            .any(|l| l.text.contains(&out.request_id) && l.text.contains("past its deadline"));
        if late {
            break out.request_id;
        }
    };
    let logs = logs(&mut f).await;
    let about: Vec<&String> = logs.iter().filter(|l| l.contains(&request_id)).collect();
    assert!(
        about[0].contains(" WARN ") && about[0].contains("event received past its deadline"),
        "{about:?}"
    );
    // It reported an error, not an answer: the API had already failed the invocation and
    // refused the report (400), which the runtime logs and moves on from.
    assert!(
        about
            .iter()
            .any(|l| l.contains("the Runtime API refused the error report status=400")),
        "{about:?}"
    );
    assert!(!about.iter().any(|l| l.contains("refused the response")));
    assert!(f
        .api()
        .anomalies()
        .iter()
        .any(|a| a.kind == AnomalyKind::UnknownRequestId && a.detail.contains(&request_id)));
    serves_seed(&mut f).await;
    assert!(f.is_ready());
}
