//! The hostile corpus (events/hostile/manifest.json: files, plus big events built here from
//! recipes) answered right, in-process and by the real `bootstrap` behind the local Runtime
//! API, on one process that must keep serving; and the fuzz invariants replayed over every
//! checked-in event and fuzz regression.
//!
//! The bootstrap is `target/*/bootstrap` of this build, or the binary `TRANSACTIONS_BOOTSTRAP`
//! names (the release build, or the arm64 one, which runs under qemu-user).

// The fuzz harness loads support/seed.rs by path as well: the same file, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "../../fuzz/src/lib.rs"]
mod invariants;

mod support;

use std::time::Duration;

use base64::Engine;
use lambda_bench::runtime_api::AnomalyKind;
use lambda_bench::SpawnConfig;
use serde_json::{json, Value};
use transactions_lambda::{Processor, Reply};

/// What Lambda accepts as a synchronous response.
const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;
use support::{new_year, repo, seed_answer};

struct Case {
    name: String,
    apigw: bool,
    event: Vec<u8>,
    expect: Value,
}

/// How an invocation ended, as a caller of Lambda sees it.
#[derive(Debug)]
enum Got {
    Response(Vec<u8>),
    Error { error_type: String, message: String },
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(repo().join("events/hostile/manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn cases() -> Vec<Case> {
    let dir = repo().join("events/hostile");
    manifest()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let event = match (entry.get("file"), entry.get("generate")) {
                (Some(file), None) => std::fs::read(dir.join(file.as_str().unwrap())).unwrap(),
                (None, Some(recipe)) => build(recipe),
                _ => panic!("{entry}: needs exactly one of file, generate"),
            };
            Case {
                name: entry["name"].as_str().unwrap().to_owned(),
                apigw: entry["kind"] == "apigw",
                event,
                expect: entry["expect"].clone(),
            }
        })
        .collect()
}

/// Builds a generated event; the recipes are described in the manifest and mirrored by
/// events/hostile/generate.py, which computed the expectations.
fn build(recipe: &Value) -> Vec<u8> {
    let n = |key: &str| recipe[key].as_u64().map(|n| n as usize);
    let batch = if let Some(size) = n("padded") {
        let head = r#"{"requestId":"req-h","pad":""#;
        let tail = r#"","transactions":[{"id":"a","amount":1.5,"type":"CREDIT"}]}"#;
        format!("{head}{}{tail}", "x".repeat(size - head.len() - tail.len()))
    } else if let Some(count) = n("tiny") {
        let mut s = String::from(r#"{"requestId":"gen-100k","transactions":["#);
        for i in 0..count {
            let kind = if i % 2 == 0 { "CREDIT" } else { "DEBIT" };
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(r#"{{"id":"t{i}","amount":0.01,"type":"{kind}"}}"#));
        }
        s + "]}"
    } else if let Some(len) = n("longId") {
        format!(
            r#"{{"requestId":"gen-long-id","transactions":[{{"id":"{}","amount":1,"type":"CREDIT"}}]}}"#,
            "I".repeat(len)
        )
    } else if let Some(len) = n("longRequestId") {
        format!(r#"{{"requestId":"{}","transactions":[]}}"#, "R".repeat(len))
    } else if let Some(depth) = n("deepArray") {
        "[".repeat(depth) + &"]".repeat(depth)
    } else if let Some(depth) = n("deepUnknownField") {
        format!(
            r#"{{"x":{}{},"transactions":[]}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    } else {
        panic!("unknown recipe {recipe}")
    };
    match recipe.get("apigw").and_then(Value::as_str) {
        None => batch.into_bytes(),
        Some(encoding) => {
            let base64 = encoding == "base64";
            let body = if base64 {
                base64::engine::general_purpose::STANDARD.encode(&batch)
            } else {
                batch
            };
            json!({
                "version": "2.0",
                "routeKey": "POST /transactions",
                "headers": {"content-type": "application/json"},
                "requestContext": {"http": {"method": "POST", "path": "/transactions"}},
                "body": body,
                "isBase64Encoded": base64,
            })
            .to_string()
            .into_bytes()
        }
    }
}

/// Checks one answer against the manifest's expectation.
fn verify(case: &Case, got: &Got) -> Result<(), String> {
    let expect = &case.expect;
    if let Some(error_type) = expect.get("errorType") {
        let Got::Error {
            error_type: got_type,
            message,
        } = got
        else {
            return Err(format!("expected {error_type}, got {}", show(got)));
        };
        if got_type != error_type.as_str().unwrap() {
            return Err(format!("expected {error_type}, got {got_type}: {message}"));
        }
        return contains(message, expect);
    }
    let Got::Response(body) = got else {
        return Err(format!("expected an answer, got {got:?}"));
    };
    if !case.apigw {
        return success_matches(body, expect);
    }
    let answer: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    if answer["statusCode"] != expect["statusCode"] {
        return Err(format!(
            "expected HTTP {}, got {}: {}",
            expect["statusCode"], answer["statusCode"], answer["body"]
        ));
    }
    if answer["headers"]["content-type"] != "application/json" {
        return Err(format!("content-type: {}", answer["headers"]));
    }
    let inner = answer["body"].as_str().ok_or("body is not a string")?;
    if expect["statusCode"] == 200 {
        return success_matches(inner.as_bytes(), expect);
    }
    let error: Value = serde_json::from_str(inner).map_err(|e| format!("body: {e}"))?;
    if error["status"] != "error" || error["error"]["code"] != expect["code"] {
        return Err(format!("expected code {}, got {inner}", expect["code"]));
    }
    contains(error["error"]["message"].as_str().unwrap_or(""), expect)
}

fn contains(message: &str, expect: &Value) -> Result<(), String> {
    let needle = expect["messageContains"].as_str().unwrap_or("");
    if message.contains(needle) {
        Ok(())
    } else {
        Err(format!("message {message:?} lacks {needle:?}"))
    }
}

fn success_matches(body: &[u8], expect: &Value) -> Result<(), String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}: {text:.200}"))?;
    // The total is compared as text: parsing it as f64 would hide exactly what this checks.
    let total = text
        .strip_prefix(r#"{"status":"success","totalCredit":"#)
        .and_then(|rest| rest.split(',').next())
        .ok_or_else(|| format!("not a success: {text:.300}"))?;
    let mut wrong = Vec::new();
    if total != expect["totalCredit"].as_str().unwrap() {
        wrong.push(format!("totalCredit {total} != {}", expect["totalCredit"]));
    }
    if v["signature"] != expect["signature"] {
        wrong.push(format!(
            "signature {} != {}",
            v["signature"], expect["signature"]
        ));
    }
    if v["creditCount"] != expect["creditCount"] {
        wrong.push(format!("creditCount {}", v["creditCount"]));
    }
    if v.get("requestId").unwrap_or(&Value::Null) != &expect["requestId"] {
        wrong.push(format!("requestId {:.80}", v["requestId"]));
    }
    if v["processedAt"].as_str().map(str::len) != Some(20) {
        wrong.push(format!("processedAt {}", v["processedAt"]));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

fn show(got: &Got) -> String {
    match got {
        Got::Response(body) => format!("answer {:.300}", String::from_utf8_lossy(body)),
        Got::Error {
            error_type,
            message,
        } => format!("{error_type}: {message:.300}"),
    }
}

#[test]
fn corpus_is_complete() {
    let cases = cases();
    assert!(cases.len() >= 50, "only {} hostile events", cases.len());
    let listed: Vec<Value> = manifest()["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.get("file").cloned())
        .collect();
    for entry in std::fs::read_dir(repo().join("events/hostile")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") && name != "manifest.json" {
            assert!(
                listed.contains(&json!(name)),
                "{name} is not in the manifest"
            );
        }
    }
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "duplicate names in the manifest");
}

/// `Processor::handle` as the runtime calls it, one processor for the whole corpus.
#[test]
fn every_hostile_event_is_answered_right_in_process() {
    let mut processor = Processor::new();
    let mut failures = Vec::new();
    for case in cases() {
        let got = match processor.handle(&case.event, new_year()) {
            // What Lambda does with an answer it cannot carry.
            Reply::Response(body) if body.len() > MAX_RESPONSE_BYTES => Got::Error {
                error_type: "Function.ResponseSizeTooLarge".into(),
                message: "Response payload size exceeded maximum allowed payload size".into(),
            },
            Reply::Response(body) => Got::Response(body.to_vec()),
            Reply::Failure(err) => Got::Error {
                error_type: err.code.error_type().into(),
                message: err.message,
            },
        };
        if let Err(problem) = verify(&case, &got) {
            failures.push(format!("{}: {problem}", case.name));
        }
    }
    let Reply::Response(seed) = processor.handle(
        &std::fs::read(repo().join("events/seed-3tx.json")).unwrap(),
        new_year(),
    ) else {
        panic!("seed refused after the corpus")
    };
    assert!(String::from_utf8_lossy(seed).contains(&seed_answer().signature));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same corpus through the real bootstrap and the Runtime API, one process throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_event_is_answered_right_by_the_bootstrap() {
    let binary = support::bootstrap_under_test();
    let mut cfg = SpawnConfig::new(&binary);
    cfg.memory_mb = 256;
    cfg.env = vec![("AWS_LAMBDA_LOG_FORMAT".into(), "JSON".into())];
    let mut f = support::start_ready(&cfg, Duration::from_secs(60)).await;
    let pid = f.process().pid();

    let timeout = Duration::from_secs(60);
    let cases = cases();
    let mut failures = Vec::new();
    let mut oversized_ids = Vec::new();
    for case in &cases {
        let out = f.invoke(case.event.clone(), timeout).await;
        let got = match out.outcome {
            lambda_bench::Outcome::Response(body) => Got::Response(body.to_vec()),
            lambda_bench::Outcome::FunctionError(e) => Got::Error {
                error_type: e.error_type,
                message: e.error_message,
            },
            other => panic!(
                "{}: the bootstrap did not answer ({other:?}); logs: {:?}",
                case.name,
                f.process().log_tail(20)
            ),
        };
        if case.expect["errorType"] == "Function.ResponseSizeTooLarge" {
            oversized_ids.push(out.request_id.clone());
        }
        if let Err(problem) = verify(case, &got) {
            failures.push(format!("{}: {problem}", case.name));
        }
        assert!(f.is_ready(), "{}: the process died", case.name);
    }
    // The same process, still serving correctly.
    let out = f
        .invoke(
            std::fs::read(repo().join("events/seed-3tx.json")).unwrap(),
            timeout,
        )
        .await;
    let lambda_bench::Outcome::Response(body) = &out.outcome else {
        panic!("seed after the corpus: {:?}", out.outcome)
    };
    let v: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["signature"], seed_answer().signature);
    assert_eq!(v["totalCredit"].to_string(), seed_answer().total);
    assert_eq!(f.process().pid(), pid);
    assert!(f.is_ready());
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The only things the Runtime API refused: the oversized answers (413), and the error the
    // runtime then posted for an invocation Lambda had already failed.
    for anomaly in f.api().anomalies() {
        assert!(
            matches!(
                anomaly.kind,
                AnomalyKind::ResponseTooLarge | AnomalyKind::UnknownRequestId
            ) && oversized_ids.iter().any(|id| anomaly.detail.contains(id)),
            "unexpected Runtime API anomaly: {anomaly}"
        );
    }
    let logs: Vec<String> = f
        .process()
        .log_tail(400)
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        logs.iter()
            .any(|l| l.contains("the Runtime API refused the response")),
        "the 413 is logged"
    );
    assert!(!logs.iter().any(|l| l.contains("panicked")), "{logs:?}");
    eprintln!(
        "{} hostile events answered right by {}",
        cases.len(),
        binary.display()
    );
}

/// Every checked-in event and fuzz regression keeps the fuzz targets' invariants.
#[test]
fn checked_in_corpus_keeps_the_fuzz_invariants() {
    let mut files = Vec::new();
    for dir in ["events", "events/invalid", "events/hostile"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    for target in ["event", "payload", "differential"] {
        if let Ok(dir) = std::fs::read_dir(repo().join("fuzz/regressions").join(target)) {
            files.extend(dir.map(|e| e.unwrap().path()));
        }
    }
    assert!(files.len() > 100, "{} files", files.len());
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let run = std::panic::catch_unwind(|| {
            invariants::check_event(&data);
            invariants::check_payload(&data);
            invariants::check_differential(&data);
        });
        assert!(run.is_ok(), "{} breaks an invariant", path.display());
    }
}
