//! Soak: one `bootstrap` process, many invocations mixing valid and invalid events (direct and
//! API Gateway), every answer checked against an expectation computed here, and the process's
//! memory sampled from /proc as it goes: it must not crash, and its peak RSS must stop growing
//! once every kind of event has been seen (reused buffers, no leak).
//!
//! `cargo test` runs a short soak on the debug build. scripts/soak.sh runs 100,000 invocations
//! on the release build and prints the RSS curve:
//!   SOAK_INVOCATIONS      invocations (default 3000)
//!   SOAK_SAMPLES          RSS samples over the run (default 20)
//!   SOAK_CONCURRENCY      AWS_LAMBDA_MAX_CONCURRENCY, with that many invocations in flight at
//!                         once (default 1: per-request Lambda)
//!   TRANSACTIONS_BOOTSTRAP the binary (default: this build's bootstrap)

mod support;

use std::time::{Duration, Instant};

use base64::Engine;
use futures::future::join_all;
use lambda_bench::{Outcome, SpawnConfig};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Allowed growth after warm-up. A real leak shows at once: the trace-id one (~130 bytes per
/// invocation) added ~230 KiB over the default 3,000 and ~13 MB over 100,000.
const GROWTH_TOLERANCE_KIB: u64 = 128;

/// What an answer must be.
enum Expect {
    /// A direct success: total (as text), signature, credit count.
    Success(&'static str, String, u64),
    /// A direct failure with this errorType.
    Error(&'static str),
    /// An API Gateway answer: status, and the success signature or the error code.
    Http(u64, String),
}

struct Event {
    name: &'static str,
    payload: Vec<u8>,
    expect: Expect,
}

use support::event_file as file;

fn hex_sha256(parts: impl IntoIterator<Item = String>) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part.as_bytes());
    }
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn apigw(body: &str, base64: bool, content_type: &str) -> Vec<u8> {
    let body = if base64 {
        base64::engine::general_purpose::STANDARD.encode(body)
    } else {
        body.to_owned()
    };
    json!({"version": "2.0", "routeKey": "POST /transactions",
           "headers": {"content-type": content_type},
           "requestContext": {"http": {"method": "POST"}},
           "body": body, "isBase64Encoded": base64})
    .to_string()
    .into_bytes()
}

/// The rotation. Weighted towards small valid events, as traffic would be, with every path
/// (base64, 4xx, parse errors, big batches, long IDs) exercised every cycle.
fn rotation() -> Vec<Event> {
    // 1,000 transactions, amounts i cents, CREDIT when i % 3 == 0: total and signature by hand.
    let txs: Vec<String> = (0..1000)
        .map(|i| {
            let kind = if i % 3 == 0 { "CREDIT" } else { "DEBIT" };
            format!(
                r#"{{"id":"soak-{i}","amount":{}.{:02},"type":"{kind}"}}"#,
                i / 100,
                i % 100
            )
        })
        .collect();
    let big = format!(
        r#"{{"requestId":"soak","transactions":[{}]}}"#,
        txs.join(",")
    );
    let credits: Vec<u64> = (0..1000).filter(|i| i % 3 == 0).collect();
    let cents: u64 = credits.iter().sum();
    assert_eq!(cents, 166_833); // 0 + 3 + ... + 999
    let big_signature = hex_sha256(credits.iter().map(|i| format!("soak-{i}")));
    let long_id = "L".repeat(100_000);
    let long = format!(r#"{{"transactions":[{{"id":"{long_id}","amount":0.5,"type":"CREDIT"}}]}}"#);
    let seed_body = String::from_utf8(file("seed-3tx.json").to_vec()).unwrap();
    let mut invalid_utf8 = br#"{"transactions":[{"id":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xc3, 0x28]);
    invalid_utf8.extend_from_slice(br#"","amount":1,"type":"CREDIT"}]}"#);
    let expected = support::seed_answer();
    let seed_total: &'static str = expected.total.clone().leak();
    let seed = || {
        Expect::Success(
            seed_total,
            expected.signature.clone(),
            expected.credit_count,
        )
    };
    vec![
        Event {
            name: "seed",
            payload: file("seed-3tx.json"),
            expect: seed(),
        },
        Event {
            name: "apigw",
            payload: file("apigw-seed.json"),
            expect: Expect::Http(200, expected.signature.clone()),
        },
        Event {
            name: "malformed",
            payload: file("invalid/malformed.json"),
            expect: Expect::Error("InvalidJson"),
        },
        Event {
            name: "seed",
            payload: file("seed-3tx.json"),
            expect: seed(),
        },
        Event {
            name: "apigw-b64",
            payload: file("apigw-seed-base64.json"),
            expect: Expect::Http(200, expected.signature.clone()),
        },
        Event {
            name: "amount-string",
            payload: file("invalid/amount-string.json"),
            expect: Expect::Error("InvalidPayload"),
        },
        Event {
            name: "1000-tx",
            payload: big.into_bytes(),
            expect: Expect::Success("1668.33", big_signature, credits.len() as u64),
        },
        Event {
            name: "too-precise",
            payload: file("invalid/too-precise.json"),
            expect: Expect::Error("InvalidAmount"),
        },
        Event {
            name: "text-plain",
            payload: apigw(&seed_body, false, "text/plain"),
            expect: Expect::Http(415, "UNSUPPORTED_MEDIA_TYPE".into()),
        },
        Event {
            name: "apigw-bad-b64",
            payload: apigw("{]", true, "application/json"),
            expect: Expect::Http(400, "INVALID_JSON".into()),
        },
        Event {
            name: "deep",
            payload: "[".repeat(5000).into_bytes(),
            expect: Expect::Error("InvalidJson"),
        },
        Event {
            name: "long-id",
            payload: long.into_bytes(),
            expect: Expect::Success("0.5", hex_sha256([long_id]), 1),
        },
        Event {
            name: "invalid-utf8",
            payload: invalid_utf8,
            expect: Expect::Error("InvalidJson"),
        },
        Event {
            name: "seed",
            payload: file("seed-3tx.json"),
            expect: seed(),
        },
    ]
}

/// A success document: the total compared as text (exactly what was written), the rest parsed.
fn success(body: &[u8], total: &str, signature: &str, count: u64) -> Result<(), String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let written = text
        .strip_prefix(r#"{"status":"success","totalCredit":"#)
        .and_then(|rest| rest.split(',').next());
    let ok = written == Some(total) && v["signature"] == signature && v["creditCount"] == count;
    ok.then_some(())
        .ok_or_else(|| format!("wrong success {text:.300}"))
}

fn check(event: &Event, outcome: &Outcome) -> Result<(), String> {
    match (&event.expect, outcome) {
        (Expect::Success(total, signature, count), Outcome::Response(body)) => {
            success(body, total, signature, *count)
        }
        (Expect::Error(error_type), Outcome::FunctionError(err))
            if err.error_type == *error_type =>
        {
            Ok(())
        }
        (Expect::Http(status, what), Outcome::Response(body)) => {
            let v: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
            let inner = v["body"].as_str().unwrap_or("");
            if v["statusCode"] != *status {
                return Err(format!("status {} {inner}", v["statusCode"]));
            }
            if *status == 200 {
                let seed = support::seed_answer();
                return success(inner.as_bytes(), &seed.total, what, seed.credit_count);
            }
            let error: Value = serde_json::from_str(inner).map_err(|e| e.to_string())?;
            if error["error"]["code"] == what.as_str() {
                Ok(())
            } else {
                Err(format!("wrong error {inner}"))
            }
        }
        (_, other) => Err(format!("unexpected {other:?}")),
    }
}

/// (VmRSS, VmHWM) of `pid` in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect(name))
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_keeps_answering_right_with_flat_memory() {
    let invocations = env_usize("SOAK_INVOCATIONS", 3000);
    let samples = env_usize("SOAK_SAMPLES", 20).max(2);
    let concurrency = env_usize("SOAK_CONCURRENCY", 1).max(1);
    let binary = support::bootstrap_under_test();
    let mut cfg = SpawnConfig::new(&binary);
    if concurrency > 1 {
        cfg.env = vec![("AWS_LAMBDA_MAX_CONCURRENCY".into(), concurrency.to_string())];
    }
    let mut f = support::start_ready(&cfg, Duration::from_secs(60)).await;
    let pid = f.process().pid();
    let events = rotation();
    assert!(
        !f.process().emulated(),
        "RSS under qemu is the emulator's: soak the host build"
    );

    let round = |n: usize| n.div_ceil(concurrency) * concurrency;
    let every = round((invocations / samples).max(1));
    // Warm-up: every event kind seen several times (a tenth of the run, at least 10 cycles,
    // by every worker).
    let warm_up = round((invocations / 10).max(events.len() * 10 * concurrency));
    let mut curve: Vec<(usize, u64, u64)> = vec![(0, memory_kib(pid).0, memory_kib(pid).1)];
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut i = 0;
    while i < invocations {
        // One invocation, or `concurrency` of them in flight at once.
        let batch: Vec<usize> = (i..invocations.min(i + concurrency)).collect();
        let outcomes = if concurrency == 1 {
            let event = &events[i % events.len()];
            vec![
                f.invoke(event.payload.clone(), Duration::from_secs(10))
                    .await
                    .outcome,
            ]
        } else {
            let calls = batch.iter().map(|k| {
                f.api().invoke(
                    events[k % events.len()].payload.clone(),
                    Duration::from_secs(10),
                )
            });
            join_all(calls)
                .await
                .into_iter()
                .map(|o| o.outcome)
                .collect()
        };
        for (k, outcome) in batch.iter().zip(&outcomes) {
            let event = &events[k % events.len()];
            if let Err(problem) = check(event, outcome) {
                failures.push(format!("#{k} {}: {problem}", event.name));
                assert!(failures.len() < 20, "{failures:#?}");
                assert!(
                    f.is_ready(),
                    "the process died: {:?}",
                    f.process().log_tail(20)
                );
            }
        }
        i += batch.len();
        // `every` and `warm_up` are multiples of the batch size, so `i` meets each of them.
        if i % every == 0 || i == warm_up || i == invocations {
            let (rss, hwm) = memory_kib(pid);
            curve.push((i, rss, hwm));
        }
    }
    let elapsed = started.elapsed();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        f.is_ready() && f.process().pid() == pid,
        "the process was replaced"
    );

    eprintln!(
        "soak: {invocations} invocations on {} in {elapsed:.1?} ({:.0}/s), one process (pid {pid}), {concurrency} at a time",
        binary.display(),
        invocations as f64 / elapsed.as_secs_f64()
    );
    eprintln!(
        "{:>12} {:>12} {:>12}",
        "invocations", "VmRSS KiB", "VmHWM KiB"
    );
    for (n, rss, hwm) in &curve {
        let mark = if *n == warm_up {
            "  <- warm-up done"
        } else {
            ""
        };
        eprintln!("{n:>12} {rss:>12} {hwm:>12}{mark}");
    }
    let hwm_at_warm_up = curve
        .iter()
        .find(|c| c.0 == warm_up)
        .map_or(curve[0].2, |c| c.2);
    // Both figures: the kernel's RSS counters are updated lazily, so the high-water mark can
    // lag the resident set it is supposed to bound.
    let highest_after = curve
        .iter()
        .filter(|c| c.0 > warm_up)
        .map(|c| c.1.max(c.2))
        .max()
        .unwrap_or(hwm_at_warm_up);
    let (_, rss_end, hwm_end) = *curve.last().unwrap();
    eprintln!(
        "peak RSS at warm-up {hwm_at_warm_up} KiB, highest after {highest_after} KiB; at the end RSS {rss_end} KiB, peak {hwm_end} KiB"
    );
    // Each worker grows its own buffers to the largest event it has met, and which worker
    // meets which event is up to the scheduler: the allowance is per worker. A leak grows with
    // the invocations, not with the workers (N = 8 over 24,000: +356 KiB by 6,000, then flat).
    let tolerance = GROWTH_TOLERANCE_KIB * concurrency as u64;
    assert!(
        highest_after <= hwm_at_warm_up + tolerance,
        "memory kept growing after warm-up: {hwm_at_warm_up} -> {highest_after} KiB"
    );
}

/// A batch of `n` small transactions, every other one a credit of 0.01.
fn big_batch(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n)
        .map(|i| {
            let kind = if i % 2 == 0 { "CREDIT" } else { "DEBIT" };
            format!(r#"{{"id":"t{i}","amount":0.01,"type":"{kind}"}}"#)
        })
        .collect();
    format!(
        r#"{{"requestId":"big","transactions":[{}]}}"#,
        items.join(",")
    )
    .into_bytes()
}

/// Buffers grown for a rare near-6 MB event are given back afterwards: a warm process that
/// served a few of them settles near its usual footprint instead of keeping their high-water
/// mark for its whole life (it kept ~136 MiB before the buffers were trimmed). With several
/// workers each holds its own buffers, and each gives them back on its own thread.
async fn big_events_give_their_memory_back(concurrency: usize) {
    let binary = support::bootstrap_under_test();
    let mut cfg = SpawnConfig::new(&binary);
    cfg.env = vec![("AWS_LAMBDA_MAX_CONCURRENCY".into(), concurrency.to_string())];
    let f = support::start_ready(&cfg, Duration::from_secs(60)).await;
    let pid = f.process().pid();
    if f.process().emulated() {
        eprintln!("RSS under qemu is the emulator's: checked on the host build only");
        return;
    }
    let big = big_batch(130_000);
    assert!(
        big.len() > 5_500_000 && big.len() < 6 * 1024 * 1024,
        "{}",
        big.len()
    );
    let seed = file("seed-3tx.json");
    // Rounds of `concurrency` events at once: the API hands each to a different waiting poll.
    let round = |event: &Vec<u8>, timeout: u64| {
        join_all(
            (0..concurrency).map(|_| f.api().invoke(event.clone(), Duration::from_secs(timeout))),
        )
    };
    for _ in 0..20 {
        round(&seed, 10).await;
    }
    let (baseline, _) = memory_kib(pid);
    for _ in 0..3 {
        for out in round(&big, 120).await {
            let Outcome::Response(body) = &out.outcome else {
                panic!("big batch refused: {:?}", out.outcome)
            };
            success(
                body,
                "650",
                &hex_sha256((0..130_000).step_by(2).map(|i| format!("t{i}"))),
                65_000,
            )
            .unwrap();
        }
    }
    let (peak, _) = memory_kib(pid);
    // Every worker must see enough small events in a row to trim.
    for _ in 0..30 {
        round(&seed, 10).await;
    }
    // mimalloc returns freed segments to the OS after a short delay.
    tokio::time::sleep(Duration::from_millis(300)).await;
    round(&seed, 10).await;
    let (after, _) = memory_kib(pid);
    eprintln!(
        "{concurrency} worker(s): VmRSS before {baseline} KiB, after the big events {peak} KiB, then {after} KiB"
    );
    // Each worker held at least its event buffer (5.5 MB) after the burst...
    let event_kib = big.len() as u64 / 1024;
    assert!(
        peak > baseline + event_kib * concurrency as u64,
        "the big events did not grow the process: {baseline} -> {peak} KiB"
    );
    // ...and gave it back: well under one event's worth stays.
    assert!(
        after < baseline + 2 * 1024,
        "VmRSS {after} KiB after the big events, {baseline} KiB before (peak {peak} KiB)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_events_give_their_memory_back_one_worker() {
    big_events_give_their_memory_back(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_events_give_their_memory_back_four_workers() {
    big_events_give_their_memory_back(4).await;
}
