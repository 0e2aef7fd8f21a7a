//! Many invocations in one process, as Lambda Managed Instances send them: the real `bootstrap`
//! with `AWS_LAMBDA_MAX_CONCURRENCY=N` against lambda-bench's Runtime API. N workers keep N
//! polls open on N connections; M distinct events released at once each get their own answer
//! (total, signature, credit count, requestId, all computed here); bad, oversized and good
//! events in flight together do not touch each other; JSON log lines carry their invocation's
//! requestId; a Runtime API failure seen by any worker ends the process with one FATAL line.
//!
//! The bootstrap is this build's, or the one `TRANSACTIONS_BOOTSTRAP` names (the release and
//! the arm64 build under qemu: `scripts/test.sh hostile_arm64`).

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::future::join_all;
use lambda_bench::{Fault, LocalFunction, Outcome, SpawnConfig};
use serde_json::Value;
use sha2::{Digest, Sha256};
use transactions_lambda::function::processor::MAX_PAYLOAD_BYTES;

const TIMEOUT: Duration = Duration::from_secs(120);

/// What one event's answer must say.
struct Expected {
    request_id: String,
    total: String,
    signature: String,
    credit_count: usize,
}

/// A batch of `n` transactions unlike any other `tag`'s: its own IDs, amounts and credit mix.
fn batch(tag: usize, n: usize) -> (Vec<u8>, Expected) {
    let mut items = Vec::with_capacity(n);
    let mut cents: u128 = 0;
    let mut digest = Sha256::new();
    let mut credit_count = 0;
    for i in 0..n {
        let id = format!("w{tag}-t{i}");
        let amount = (tag as u128 * 7_919 + i as u128 * 104_729) % 1_000_000;
        let credit = !(i + tag).is_multiple_of(3);
        if credit {
            cents += amount;
            digest.update(id.as_bytes());
            credit_count += 1;
        }
        let kind = if credit { "CREDIT" } else { "DEBIT" };
        items.push(format!(
            r#"{{"id":"{id}","amount":{}.{:02},"type":"{kind}"}}"#,
            amount / 100,
            amount % 100
        ));
    }
    let request_id = format!("req-{tag}");
    let event = format!(
        r#"{{"requestId":"{request_id}","transactions":[{}]}}"#,
        items.join(",")
    );
    let signature = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let expected = Expected {
        request_id,
        total: decimal(cents),
        signature,
        credit_count,
    };
    (event.into_bytes(), expected)
}

/// Cents as the contract writes a total: no exponent, no trailing zeros.
fn decimal(cents: u128) -> String {
    let text = format!("{}.{:02}", cents / 100, cents % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Checks a direct answer against its event's expectation, the total as the text written.
fn check(outcome: &Outcome, expected: &Expected) -> Result<(), String> {
    let Outcome::Response(body) = outcome else {
        return Err(format!("{}: {outcome:?}", expected.request_id));
    };
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let total = text
        .strip_prefix(r#"{"status":"success","totalCredit":"#)
        .and_then(|rest| rest.split(',').next());
    let right = total == Some(expected.total.as_str())
        && v["signature"] == expected.signature
        && v["creditCount"] == expected.credit_count
        && v["requestId"] == expected.request_id;
    right.then_some(()).ok_or_else(|| {
        format!(
            "{}: expected total {} count {}, got {text:.300}",
            expected.request_id, expected.total, expected.credit_count
        )
    })
}

async fn start(workers: usize) -> LocalFunction {
    let mut cfg = SpawnConfig::new(support::bootstrap_under_test());
    cfg.memory_mb = 2048;
    cfg.env = vec![
        ("AWS_LAMBDA_MAX_CONCURRENCY".into(), workers.to_string()),
        ("AWS_LAMBDA_LOG_FORMAT".into(), "JSON".into()),
    ];
    let f = support::start_ready(&cfg, Duration::from_secs(60)).await;
    wait_for_polls(&f, workers, 0).await;
    f
}

/// Waits until every worker polls again after `answered` answers (`workers + answered` `GET
/// next` requests in all), then checks that no more come and that each worker has kept to
/// its own connection.
async fn wait_for_polls(f: &LocalFunction, workers: usize, answered: usize) {
    let expected = (workers + answered) as u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    while f.api().stats().next_requests < expected {
        assert!(
            Instant::now() < deadline,
            "{} of {expected} polls after 60 s: {:?}",
            f.api().stats().next_requests,
            f.process().log_tail(10)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stats = f.api().stats();
    assert_eq!(stats.next_requests, expected, "{stats:?}");
    assert_eq!(
        stats.connections, workers as u64,
        "one connection per worker: {stats:?}"
    );
}

/// The scenario of one N: every worker busy at once, several rounds, answers all right.
async fn distinct_events_get_their_own_answers(workers: usize, rounds: usize) {
    let f = start(workers).await;
    let pid = f.process().pid();
    let events: Vec<(Vec<u8>, Expected)> = (0..workers * rounds)
        .map(|tag| batch(tag, [3, 200, 2_000][tag % 3]))
        .collect();
    let outcomes = join_all(
        events
            .iter()
            .map(|(event, _)| f.api().invoke(event.clone(), TIMEOUT)),
    )
    .await;
    let failures: Vec<String> = outcomes
        .iter()
        .zip(&events)
        .filter_map(|(out, (_, expected))| check(&out.outcome, expected).err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(f.is_ready() && f.process().pid() == pid);
    assert_eq!(f.api().stats().results, events.len() as u64);
    // Every worker asked again after its answers, on its own connection.
    wait_for_polls(&f, workers, events.len()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_answer_distinct_events_at_once() {
    distinct_events_get_their_own_answers(2, 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_workers_keep_eight_polls_and_answer_distinct_events() {
    distinct_events_get_their_own_answers(8, 3).await;
}

/// Hostile, invalid and oversized events in flight beside good ones: each bad one gets its own
/// specific error, each good one its right answer, and every log line is whole JSON naming the
/// invocation it is about.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_events_in_flight_touch_no_good_one() {
    let workers = 4;
    let mut f = start(workers).await;
    let good: Vec<(Vec<u8>, Expected)> = (0..8).map(|tag| batch(100 + tag, 500)).collect();
    let oversized = {
        let (mut event, _) = batch(999, 3);
        event.resize(MAX_PAYLOAD_BYTES + 10, b' ');
        event
    };
    let bad: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            support::event_file("invalid/amount-string.json"),
            "InvalidPayload",
            "transactions[0].amount",
        ),
        (
            support::event_file("invalid/malformed.json"),
            "InvalidJson",
            "not valid JSON",
        ),
        (
            support::event_file("hostile/amount-1e400.json"),
            "InvalidAmount",
            "transactions[0].amount",
        ),
        (
            support::event_file("hostile/id-lone-high-surrogate.json"),
            "InvalidJson",
            "lone surrogate",
        ),
        (
            support::event_file("hostile/duplicate-amount.json"),
            "InvalidPayload",
            "transactions[0].amount: duplicate field",
        ),
        (oversized, "PayloadTooLarge", "payload"),
    ];
    // Interleaved: a bad event after every good one, then the rest of the good ones.
    let order: Vec<Result<usize, usize>> = (0..good.len().max(bad.len()))
        .flat_map(|i| {
            [
                (i < good.len()).then_some(Ok(i)),
                (i < bad.len()).then_some(Err(i)),
            ]
        })
        .flatten()
        .collect();
    let outcomes = join_all(order.iter().map(|call| {
        let event = match call {
            Ok(i) => &good[*i].0,
            Err(i) => &bad[*i].0,
        };
        f.api().invoke(event.clone(), TIMEOUT)
    }))
    .await;
    let mut bad_outcomes = vec![None; bad.len()];
    for (call, out) in order.iter().zip(&outcomes) {
        match call {
            Ok(i) => check(&out.outcome, &good[*i].1).unwrap(),
            Err(i) => bad_outcomes[*i] = Some(out),
        }
    }
    let bad_outcomes: Vec<_> = bad_outcomes.into_iter().flatten().collect();
    for (out, (_, error_type, needle)) in bad_outcomes.iter().zip(&bad) {
        let Outcome::FunctionError(err) = &out.outcome else {
            panic!("{error_type}: {:?}", out.outcome)
        };
        assert_eq!(err.error_type, *error_type, "{}", err.error_message);
        assert!(err.error_message.contains(needle), "{}", err.error_message);
    }
    assert!(f.is_ready());

    // Log lines: whole JSON objects (never two invocations' lines torn into each other), and
    // each bad event's warning carries its own requestId and errorType.
    f.process_mut().drain_logs(Duration::from_secs(1)).await;
    let lines: Vec<Value> = f
        .process()
        .log_tail(1000)
        .iter()
        .map(|l| serde_json::from_str(&l.text).unwrap_or_else(|e| panic!("{e}: {:?}", l.text)))
        .collect();
    for (out, (_, error_type, _)) in bad_outcomes.iter().zip(&bad) {
        let mine: Vec<&Value> = lines
            .iter()
            .filter(|l| l["requestId"] == out.request_id.as_str())
            .collect();
        assert_eq!(mine.len(), 1, "{:?}: {mine:?}", out.request_id);
        assert_eq!(mine[0]["level"], "WARN");
        assert_eq!(mine[0]["errorType"], *error_type);
    }
    let ids: HashSet<&str> = lines
        .iter()
        .filter_map(|l| l["requestId"].as_str())
        .collect();
    assert_eq!(
        ids.len(),
        bad.len(),
        "only the bad events are logged: {ids:?}"
    );
}

/// The Runtime API failing for one worker ends the whole process, whichever worker saw it,
/// with exactly one FATAL line, as with one worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_api_failure_in_one_worker_ends_the_process() {
    let mut f = start(4).await;
    // All four polls are waiting: the fault hits the first poll after the first answer.
    f.api().inject(Fault::NextStatus(500));
    let (event, expected) = batch(7, 3);
    let out = f.api().invoke(event, TIMEOUT).await;
    check(&out.outcome, &expected).unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(10), f.process().exited())
        .await
        .expect("the bootstrap kept running after a Runtime API failure");
    assert_eq!(exit.code, Some(1), "{exit}");
    f.process_mut().drain_logs(Duration::from_secs(1)).await;
    let fatal: Vec<String> = f
        .process()
        .log_tail(100)
        .into_iter()
        .map(|l| l.text)
        .filter(|l| l.contains("FATAL"))
        .collect();
    assert_eq!(fatal.len(), 1, "{fatal:?}");
    assert!(fatal[0].contains("GET next answered 500"), "{fatal:?}");
}

/// The API going away closes every worker's poll at once: still one FATAL line and exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_api_going_away_ends_the_process_once() {
    let mut f = start(4).await;
    f.api().stop();
    let exit = tokio::time::timeout(Duration::from_secs(10), f.process().exited())
        .await
        .expect("the bootstrap kept running after the Runtime API went away");
    assert_eq!(exit.code, Some(1), "{exit}");
    f.process_mut().drain_logs(Duration::from_secs(1)).await;
    let fatal = f
        .process()
        .log_tail(100)
        .into_iter()
        .filter(|l| l.text.contains("FATAL"))
        .count();
    assert_eq!(fatal, 1, "{:?}", f.process().log_tail(20));
}

/// A refused result is that invocation's own business: it becomes its error, the others and
/// the process go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_response_fails_only_its_invocation() {
    let f = start(2).await;
    f.api().inject(Fault::RejectResult(413));
    let events: Vec<(Vec<u8>, Expected)> = (0..4).map(|tag| batch(200 + tag, 50)).collect();
    let outcomes = join_all(
        events
            .iter()
            .map(|(event, _)| f.api().invoke(event.clone(), TIMEOUT)),
    )
    .await;
    let refused = outcomes
        .iter()
        .filter(|out| {
            matches!(&out.outcome, Outcome::FunctionError(err) if err.error_type == "ResponseRejected")
        })
        .count();
    assert_eq!(refused, 1, "{outcomes:?}");
    let answered = outcomes
        .iter()
        .zip(&events)
        .filter(|(out, (_, expected))| check(&out.outcome, expected).is_ok())
        .count();
    assert_eq!(answered, 3, "{outcomes:?}");
    assert!(f.is_ready());
}

/// Bad values of the variable get one clear log line and one worker, never a crash.
#[tokio::test]
async fn bad_concurrency_values_are_logged_and_served_one_at_a_time() {
    for value in ["abc", "-3"] {
        let mut cfg = SpawnConfig::new(support::bootstrap_under_test());
        cfg.env = vec![("AWS_LAMBDA_MAX_CONCURRENCY".into(), value.into())];
        let mut f = support::start_ready(&cfg, Duration::from_secs(60)).await;
        let out = f.invoke(support::SEED.as_bytes().to_vec(), TIMEOUT).await;
        let Outcome::Response(body) = &out.outcome else {
            panic!("{value}: {:?}", out.outcome)
        };
        let v: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["signature"], support::seed_answer().signature);
        let stats = f.api().stats();
        assert_eq!(stats.connections, 1, "{value}: {stats:?}");
        let warnings: Vec<String> = f
            .process()
            .log_tail(20)
            .into_iter()
            .map(|l| l.text)
            .filter(|l| l.contains("AWS_LAMBDA_MAX_CONCURRENCY"))
            .collect();
        assert_eq!(warnings.len(), 1, "{value}: {warnings:?}");
        assert!(
            warnings[0].contains(" WARN ") && warnings[0].contains("not a positive integer"),
            "{warnings:?}"
        );
    }
    // More than Lambda allows is capped, with its reason, and served.
    let mut cfg = SpawnConfig::new(support::bootstrap_under_test());
    cfg.env = vec![("AWS_LAMBDA_MAX_CONCURRENCY".into(), "99999".into())];
    let f = support::start_ready(&cfg, Duration::from_secs(60)).await;
    let out = f
        .api()
        .invoke(support::SEED.as_bytes().to_vec(), TIMEOUT)
        .await;
    assert!(
        matches!(out.outcome, Outcome::Response(_)),
        "{:?}",
        out.outcome
    );
    let warning = f
        .process()
        .log_tail(20)
        .into_iter()
        .map(|l| l.text)
        .find(|l| l.contains("AWS_LAMBDA_MAX_CONCURRENCY=99999"))
        .expect("a warning about 99999");
    assert!(warning.contains("serving"), "{warning}");
}
