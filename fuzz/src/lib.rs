//! What must hold for *every* input, whatever the bytes: the fuzz targets call these on each
//! generated input, and `lambda/tests/hostile.rs` replays the checked-in corpus (events/,
//! events/hostile/, fuzz/regressions/) through them on every test run. A panic is a finding.
//!
//! - [`check_event`]: `Processor::handle` answers without panicking; every answer is well-formed
//!   JSON of the documented shape; a processor that has served other events first answers
//!   exactly like a fresh one (no state leaks between invocations) and still answers the seed
//!   event right afterwards; and whenever it reports a success, serde_json, an independent
//!   parser, reads the same batch (same IDs in the same order, same credit count, same
//!   signature, same requestId).
//! - [`check_payload`]: the parser and schema reader alone: anything the walker accepts,
//!   serde_json accepts too, every amount survives a print/parse round trip exactly, and the
//!   transactions read agree with serde_json's reading.
//! - [`check_differential`]: the one-pass walker against the previous tape-based reader
//!   (lambda/tests/support/tape_reference.rs): same answer, same error code and, for schema
//!   errors, the same message; the tape may only have refused valid numbers it could not hold.
//!   Wherever the compact reader (`domain::compact_batch`) takes the input, the walker must
//!   accept it too and read the same batch.

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use transactions_lambda::domain::compact_batch::read_compact_batch;
use transactions_lambda::domain::credits::{CreditSummary, Summary};
use transactions_lambda::domain::document::Parser;
use transactions_lambda::domain::money::Amount;
use transactions_lambda::domain::payload::{read_batch, BatchInfo};
use transactions_lambda::{ErrorCode, Processor, Reply};

#[path = "../../lambda/tests/support/tape_reference.rs"]
mod tape_reference;

#[path = "../../lambda/tests/support/seed.rs"]
mod seed;

const SEED: &[u8] = seed::SEED.as_bytes();

/// Events served before the input on the "warm" processor: they grow every reused buffer
/// (event parser, body parser, base64 buffer, answer, envelope) and leave an error behind.
const PRIMES: &[&[u8]] = &[
    SEED,
    br#"{"routeKey":"POST /t","isBase64Encoded":true,"body":"eyJyZXF1ZXN0SWQiOiJ3YXJtIiwidHJhbnNhY3Rpb25zIjpbeyJpZCI6IncxIiwiYW1vdW50IjoxLjI1LCJ0eXBlIjoiQ1JFRElUIn0seyJpZCI6IncyIiwiYW1vdW50IjozLCJ0eXBlIjoiQ1JFRElUIn1dfQ=="}"#,
    br#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"},{"id":"b","amount":"x","type":"CREDIT"}]}"#,
];

/// An owned copy of what `handle` returned.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Response(Vec<u8>),
    Failure { error_type: String, message: String },
}

fn answer(processor: &mut Processor, event: &[u8]) -> Answer {
    match processor.handle(event, seed::new_year()) {
        Reply::Response(body) => Answer::Response(body.to_vec()),
        Reply::Failure(err) => Answer::Failure {
            error_type: err.code.error_type().to_owned(),
            message: err.message,
        },
    }
}

/// The whole event path, as the runtime drives it.
pub fn check_event(data: &[u8]) {
    let fresh = answer(&mut Processor::new(), data);

    let mut warm = Processor::new();
    for prime in PRIMES {
        answer(&mut warm, prime);
    }
    let again = answer(&mut warm, data);
    assert_eq!(fresh, again, "a warm processor answers differently");
    assert_eq!(
        answer(&mut warm, SEED),
        Answer::Response(seed::seed_answer_bytes().into_bytes()),
        "the seed event is answered wrongly after this input"
    );

    match &fresh {
        Answer::Response(body) => check_response(data, body),
        Answer::Failure {
            error_type,
            message,
        } => {
            assert!(!error_type.is_empty() && !message.is_empty());
        }
    }
}

/// The batch reader alone, on a parser reused from a previous document.
pub fn check_payload(data: &[u8]) {
    let mut parser = Parser::default();
    parser.parse(SEED, "payload").expect("seed parses");
    let Ok(document) = parser.parse(data, "payload") else {
        return;
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    let read = read_batch(&document, |index, tx| {
        assert_eq!(index, seen.len(), "transactions out of order");
        let printed = tx.amount.to_string();
        assert_eq!(
            Amount::parse(printed.as_bytes()),
            Ok(tx.amount),
            "amount {printed} does not survive a round trip"
        );
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("decoded strings are UTF-8");
        seen.push((text(&tx.id), text(&tx.kind)));
        Ok(())
    });
    let Ok(info) = read else {
        return;
    };
    let Some(reference) = reference_json(data) else {
        return;
    };
    let txs = reference["transactions"]
        .as_array()
        .expect("serde_json sees no transactions array in an accepted batch");
    assert_eq!(txs.len(), info.transactions);
    assert_eq!(txs.len(), seen.len());
    for (i, ((id, kind), theirs)) in seen.iter().zip(txs).enumerate() {
        assert_eq!(
            theirs["id"].as_str(),
            Some(id.as_str()),
            "transactions[{i}].id"
        );
        assert_eq!(
            theirs["type"].as_str(),
            Some(kind.as_str()),
            "transactions[{i}].type"
        );
    }
    assert_eq!(reference["requestId"].as_str(), info.request_id.as_deref());
}

/// The walker against the previous tape-based reader, on a direct batch; and wherever the
/// compact reader takes the batch, its answer against the walker's.
pub fn check_differential(data: &[u8]) {
    let theirs = tape_reference::reference_batch(data);
    let mut parser = Parser::default();
    parser.parse(SEED, "payload").expect("seed parses");
    let ours = parser.parse(data, "payload").and_then(|document| {
        let mut credits = CreditSummary::default();
        let info = read_batch(&document, |index, tx| credits.add(index, &tx))?;
        Ok(summary_of(credits.finish(), info))
    });
    if let Some((summary, info)) = read_compact_batch(data) {
        let compact = summary_of(summary, info);
        match &ours {
            Ok(walked) => assert_eq!(&compact, walked, "the compact reader reads another batch"),
            Err(err) => {
                panic!("the compact reader took a batch the walker refuses ({err}): {compact:?}")
            }
        }
    }
    match (&theirs, &ours) {
        (Ok(theirs), Ok(ours)) => assert_eq!(ours, theirs, "the walker reads another batch"),
        (Ok(theirs), Err(err)) => {
            panic!("the walker refuses a batch the tape read as {theirs:?}: {err}")
        }
        (Err(theirs), Err(ours)) if theirs.code == ours.code => {
            if theirs.code != ErrorCode::InvalidJson {
                assert_eq!(
                    ours.message, theirs.message,
                    "same schema error, other words"
                );
            }
        }
        (Err(theirs), _) => assert!(
            theirs.message.contains("number too large for JSON parsers")
                && serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok(),
            "the tape said {theirs}, the walker {ours:?}"
        ),
    }
}

fn summary_of(summary: Summary, info: BatchInfo<'_>) -> tape_reference::ReferenceSummary {
    tape_reference::ReferenceSummary {
        total: summary.total.to_string(),
        signature: String::from_utf8(summary.signature.to_vec()).expect("hex"),
        credit_count: summary.credit_count,
        request_id: info.request_id.map(|id| id.into_owned()),
    }
}

/// serde_json's reading of `data`. `None` only where the two parsers may legitimately differ:
/// nesting between serde_json's default limit (128) and the function's (1024). Any other
/// refusal of a document the function accepted is a finding.
fn reference_json(data: &[u8]) -> Option<Value> {
    match serde_json::from_slice::<Value>(data) {
        Ok(value) => Some(value),
        Err(err) if err.to_string().contains("recursion limit exceeded") => None,
        // serde_json's Value holds numbers as f64/u64/i64 and refuses larger ones the
        // function reads as text; its grammar-only reading must still accept the document.
        Err(err)
            if err.to_string().contains("number out of range")
                && serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok() =>
        {
            None
        }
        Err(err) => panic!(
            "the function accepted a document serde_json refuses ({err}): {:?}",
            String::from_utf8_lossy(data)
        ),
    }
}

fn check_response(event: &[u8], body: &[u8]) {
    let answer: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "answer is not JSON ({e}): {:?}",
            String::from_utf8_lossy(body)
        )
    });
    let Some(status) = answer.get("statusCode") else {
        check_success(body);
        if let Some(batch) = reference_json(event) {
            same_batch(&answer, &batch);
        }
        return;
    };
    // An API Gateway answer.
    let status = status.as_u64().expect("statusCode is a number");
    assert_eq!(answer["headers"]["content-type"], "application/json");
    assert_eq!(answer["isBase64Encoded"], false);
    let inner = answer["body"].as_str().expect("body is a string");
    let inner_value: Value = serde_json::from_str(inner).expect("body is JSON");
    match status {
        200 => {
            check_success(inner.as_bytes());
            if let Some(batch) = reference_body(event) {
                same_batch(&inner_value, &batch);
            }
        }
        400 | 413 | 415 => {
            assert_eq!(inner_value["status"], "error");
            let code = inner_value["error"]["code"].as_str().expect("error.code");
            let expected_status = match code {
                "PAYLOAD_TOO_LARGE" => 413,
                "UNSUPPORTED_MEDIA_TYPE" => 415,
                "INVALID_JSON" | "INVALID_PAYLOAD" | "INVALID_AMOUNT" | "TOTAL_OUT_OF_RANGE"
                | "INVALID_BODY" => 400,
                other => panic!("unknown error code {other}"),
            };
            assert_eq!(status, expected_status, "{code}");
            assert!(!inner_value["error"]["message"]
                .as_str()
                .expect("error.message")
                .is_empty());
        }
        other => panic!("unexpected statusCode {other}"),
    }
}

/// The success document: fixed key order, exact decimal total, 64-hex signature.
fn check_success(body: &[u8]) {
    let text = std::str::from_utf8(body).expect("answer is UTF-8");
    let rest = text
        .strip_prefix(r#"{"status":"success","totalCredit":"#)
        .unwrap_or_else(|| panic!("not a success document: {text:?}"));
    let (total, rest) = rest.split_once(',').expect("total then more fields");
    let digits = total.strip_prefix('-').unwrap_or(total);
    assert!(
        !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit() || c == b'.'),
        "total {total:?} is not a plain decimal"
    );
    if let Some((_, fraction)) = digits.split_once('.') {
        assert!(
            !fraction.is_empty() && !fraction.ends_with('0'),
            "total {total:?}"
        );
    }
    assert_ne!(total, "-0");
    let Some(rest) = rest.strip_prefix(r#""signature":""#) else {
        panic!("signature must follow the total: {text:?}")
    };
    let signature = &rest[..64];
    assert!(signature
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    assert!(rest[64..].starts_with(r#"","processedAt":"2026-01-01T00:00:00Z""#));
}

/// The batch inside an API Gateway event, as serde_json (and the base64 crate) read it.
fn reference_body(event: &[u8]) -> Option<Value> {
    let envelope = reference_json(event)?;
    let body = envelope["body"].as_str().expect("a 200 needs a body");
    if envelope["isBase64Encoded"] == true {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("a 200 needs valid base64");
        reference_json(&decoded)
    } else {
        reference_json(body.as_bytes())
    }
}

/// The answer agrees with serde_json's reading of the batch: IDs, order, credits, requestId.
fn same_batch(answer: &Value, batch: &Value) {
    let txs = batch["transactions"]
        .as_array()
        .expect("a success needs a transactions array");
    let mut digest = Sha256::new();
    let mut credits = 0u64;
    for tx in txs {
        if tx["type"] == "CREDIT" {
            digest.update(tx["id"].as_str().expect("id").as_bytes());
            credits += 1;
        }
    }
    let signature: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(answer["signature"], signature.as_str());
    assert_eq!(answer["creditCount"], credits);
    assert_eq!(
        answer.get("requestId"),
        batch.get("requestId").filter(|r| !r.is_null())
    );
}
