//! The function's contract, checked through `Processor::handle` exactly as the runtime calls it.

mod support;

use base64::Engine;
use serde_json::{json, Value};
use support::{new_year, seed_answer, seed_answer_bytes, SEED};
use transactions_lambda::{ErrorCode, Processor, Reply};

/// The seed's total as the JSON value an answer must carry.
fn seed_total() -> Value {
    serde_json::from_str(&seed_answer().total).unwrap()
}

const APIGW_SEED: &str = include_str!("../../events/apigw-seed.json");
const APIGW_SEED_B64: &str = include_str!("../../events/apigw-seed-base64.json");
const EMPTY_SIGNATURE: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A direct invocation's answer as text, or the error it fails with.
fn direct(p: &mut Processor, event: &str) -> Result<String, (ErrorCode, String)> {
    match p.handle(event.as_bytes(), new_year()) {
        Reply::Response(body) => Ok(String::from_utf8(body.to_vec()).unwrap()),
        Reply::Failure(err) => Err((err.code, err.message)),
    }
}

fn direct_err(event: &str) -> (ErrorCode, String) {
    direct(&mut Processor::new(), event).expect_err("expected a failure")
}

/// An API Gateway event around `body`, answered as (status, headers, body JSON).
fn http(
    p: &mut Processor,
    body: &str,
    base64: bool,
    content_type: Option<&str>,
) -> (u64, Value, Value) {
    let mut event: Value = serde_json::from_str(APIGW_SEED).unwrap();
    event["body"] = if base64 {
        base64::engine::general_purpose::STANDARD
            .encode(body)
            .into()
    } else {
        body.into()
    };
    event["isBase64Encoded"] = base64.into();
    match content_type {
        Some(ct) => event["headers"]["content-type"] = ct.into(),
        None => {
            event["headers"]
                .as_object_mut()
                .unwrap()
                .remove("content-type");
        }
    }
    http_event(p, &event.to_string())
}

fn http_event(p: &mut Processor, event: &str) -> (u64, Value, Value) {
    let Reply::Response(answer) = p.handle(event.as_bytes(), new_year()) else {
        panic!("API Gateway events are always answered");
    };
    let answer: Value = serde_json::from_slice(answer).unwrap();
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    (
        answer["statusCode"].as_u64().unwrap(),
        answer["headers"].clone(),
        body,
    )
}

#[test]
fn seed_payload_gives_the_published_answer_byte_for_byte() {
    let answer = direct(&mut Processor::new(), SEED).unwrap();
    assert_eq!(answer, seed_answer_bytes());
}

#[test]
fn api_gateway_event_gets_an_http_answer() {
    let mut p = Processor::new();
    for event in [APIGW_SEED, APIGW_SEED_B64] {
        let (status, headers, body) = http_event(&mut p, event);
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(body["status"], "success");
        assert_eq!(body["totalCredit"], seed_total());
        assert_eq!(body["signature"], seed_answer().signature.as_str());
        assert_eq!(body["processedAt"], "2026-01-01T00:00:00Z");
    }
}

#[test]
fn money_is_summed_exactly() {
    let mut p = Processor::new();
    let cases = [
        (
            r#"[{"id":"a","amount":0.1,"type":"CREDIT"},{"id":"b","amount":0.2,"type":"CREDIT"}]"#,
            "0.3",
        ),
        (
            r#"[{"id":"a","amount":150.50,"type":"CREDIT"},{"id":"b","amount":1150.50,"type":"CREDIT"}]"#,
            "1301",
        ),
        (
            r#"[{"id":"a","amount":1e2,"type":"CREDIT"},{"id":"b","amount":-0.005,"type":"CREDIT"}]"#,
            "99.995",
        ),
        (r#"[{"id":"a","amount":5,"type":"DEBIT"}]"#, "0"),
        (r#"[]"#, "0"),
    ];
    for (transactions, total) in cases {
        let answer = direct(&mut p, &format!(r#"{{"transactions":{transactions}}}"#)).unwrap();
        assert!(
            answer.contains(&format!(r#""totalCredit":{total},"#)),
            "{answer}"
        );
    }
}

#[test]
fn no_credits_signs_the_empty_string_and_type_is_case_sensitive() {
    let answer = direct(
        &mut Processor::new(),
        r#"{"transactions":[{"id":"x","amount":1,"type":"credit"},{"id":"y","amount":2,"type":"Credit"}]}"#,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["signature"], EMPTY_SIGNATURE);
    assert_eq!(v["creditCount"], 0);
    assert_eq!(v["totalCredit"], json!(0));
    assert!(v.get("requestId").is_none());
}

#[test]
fn unknown_fields_are_ignored_and_ids_are_unescaped_before_signing() {
    let answer = direct(
        &mut Processor::new(),
        r#"{"meta":{"a":[1,2,{"b":null}]},"transactions":[{"note":[{"x":1.5}],"id":"tx-\u0031","type":"CREDIT","amount":150.5,"extra":true},{"id":"tx-3","amount":500,"type":"CREDIT"}],"requestId":"r\"1"}"#,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["signature"], seed_answer().signature.as_str());
    assert_eq!(v["totalCredit"], seed_total());
    assert_eq!(v["requestId"], "r\"1");
    let at = |key: &str| answer.find(&format!("\"{key}\":")).unwrap();
    assert!(at("status") < at("totalCredit"));
    assert!(at("totalCredit") < at("signature"));
    assert!(at("signature") < at("processedAt"));
    assert!(at("processedAt") < at("requestId"));
}

#[test]
fn bad_input_names_the_field_and_the_problem() {
    let cases: &[(&str, ErrorCode, &str)] = &[
        ("{", ErrorCode::InvalidJson, "payload is not valid JSON"),
        (
            "[1,2]",
            ErrorCode::InvalidPayload,
            "payload: expected a JSON object, found an array",
        ),
        (
            r#"{"requestId":"r"}"#,
            ErrorCode::InvalidPayload,
            "transactions: missing required field",
        ),
        (
            r#"{"transactions":{}}"#,
            ErrorCode::InvalidPayload,
            "transactions: expected an array, found an object",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"},7]}"#,
            ErrorCode::InvalidPayload,
            "transactions[1]: expected an object, found a number",
        ),
        (
            r#"{"transactions":[{"amount":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].id: missing required field",
        ),
        (
            // Keys are case-sensitive: same-length lookalikes are unknown fields, not `id`.
            r#"{"transactions":[{"ID":"a","amount":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].id: missing required field",
        ),
        (
            r#"{"transactions":[{"id":"a","AMOUNT":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].amount: missing required field",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1,"Type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].type: missing required field",
        ),
        (
            r#"{"transactions":[{"id":"","amount":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].id: must not be empty",
        ),
        (
            r#"{"transactions":[{"id":5,"amount":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].id: expected a string, found a number",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":"1","type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].amount: expected a number, found a string",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":null,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].amount: expected a number, found null",
        ),
        (
            r#"{"transactions":[{"id":"a","type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].amount: missing required field",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1,"type":true}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].type: expected a string, found a boolean",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].type: missing required field",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1,"amount":2,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidPayload,
            "transactions[0].amount: duplicate field",
        ),
        (
            r#"{"transactions":[],"transactions":[]}"#,
            ErrorCode::InvalidPayload,
            "transactions: duplicate field",
        ),
        (
            r#"{"requestId":7,"transactions":[]}"#,
            ErrorCode::InvalidPayload,
            "requestId: expected a string, found a number",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1,"type":"DEBIT"},{"id":"b","amount":1,"type":"DEBIT"},{"id":"c","amount":1,"type":"DEBIT"},{"id":"d","amount":1e15,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidAmount,
            "transactions[3].amount: is out of range",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":0.1000000000000000001,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidAmount,
            "transactions[0].amount: has more than 18 decimal places",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":1e400,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidAmount,
            "transactions[0].amount: is out of range",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":01,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidJson,
            "invalid number near byte 36",
        ),
        (
            r#"{"transactions":[{"id":"a","amount":NaN,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidJson,
            "payload is not valid JSON",
        ),
        (
            r#"{"transactions":[{"id":"\ud800","amount":1,"type":"CREDIT"}]}"#,
            ErrorCode::InvalidJson,
            "lone surrogate",
        ),
    ];
    let mut p = Processor::new();
    for (event, code, expected) in cases {
        let (got_code, message) = direct(&mut p, event).expect_err(event);
        assert_eq!(got_code, *code, "{event}: {message}");
        assert!(
            message.contains(expected),
            "{event}: {message:?} lacks {expected:?}"
        );
        // The same processor keeps answering correctly after every failure.
        assert!(direct(&mut p, SEED)
            .unwrap()
            .contains(seed_answer().signature.as_str()));
    }
}

/// Valid JSON numbers beyond u64/i64/f64 are read from their text like any other: an amount
/// gets the amount's own error, and an ignored field holding one does not spoil the batch.
#[test]
fn numbers_of_any_size_are_valid_json() {
    for (amount, problem) in [
        ("18446744073709551616", "is out of range"),
        ("-9223372036854775809", "is out of range"),
        ("1e309", "is out of range"),
        ("1e-400", "has more than 18 decimal places"),
        ("123456789012345678901234567890", "is out of range"),
    ] {
        let event =
            format!(r#"{{"transactions":[{{"id":"a","amount":{amount},"type":"CREDIT"}}]}}"#);
        let (code, message) = direct_err(&event);
        assert_eq!(code, ErrorCode::InvalidAmount, "{event}: {message}");
        let expected = format!("transactions[0].amount: {problem}");
        assert!(message.starts_with(&expected), "{event}: {message}");
    }
    let event = r#"{"requestId":"r","transactions":[{"id":"a","amount":1,"type":"CREDIT","meta":{"big":18446744073709551616,"huge":1e400,"neg":-1e-999999}}]}"#;
    let answer: Value =
        serde_json::from_str(&direct(&mut Processor::new(), event).unwrap()).unwrap();
    assert_eq!(answer["totalCredit"], json!(1));
    assert_eq!(answer["creditCount"], json!(1));
}

/// Syntax errors say where they are, and name the field when one is known.
#[test]
fn syntax_errors_point_at_the_offending_byte() {
    for (event, expected) in [
        (
            &br#"{"requestId":"r","transactions":[{"id":"a\ud800","amount":1,"type":"CREDIT"}]}"#[..],
            r"payload is not valid JSON: transactions[0].id: invalid \u escape (lone surrogate or bad code point) near byte 41",
        ),
        (
            br#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"},{"id":"b","amount":1,"type":"\uZZZZ"}]}"#,
            "payload is not valid JSON: transactions[1].type: invalid escape sequence in a string near byte 84",
        ),
        (
            b"{\"transactions\":[{\"id\":\"a\x00b\",\"amount\":1,\"type\":\"CREDIT\"}]}",
            "payload is not valid JSON: raw control character 0x00 inside a string near byte 25",
        ),
        (
            b"{\"transactions\":[{\"id\":\"a\xffb\",\"amount\":1,\"type\":\"CREDIT\"}]}",
            "payload is not valid JSON: invalid UTF-8 near byte 25",
        ),
        (
            br#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"}] "#,
            "payload is not valid JSON: unexpected end of input near byte 56",
        ),
    ] {
        let err = match Processor::new().handle(event, new_year()) {
            Reply::Failure(err) => err,
            Reply::Response(r) => panic!("accepted: {}", String::from_utf8_lossy(r)),
        };
        assert_eq!(err.code, ErrorCode::InvalidJson);
        assert_eq!(err.message, expected, "{}", String::from_utf8_lossy(event));
    }
    // Inside an API Gateway body, positions are offsets into the body.
    let (status, _, body) = http(
        &mut Processor::new(),
        "{\"transactions\":[{\"id\":\"a\u{0}b\",\"amount\":1,\"type\":\"CREDIT\"}]}",
        true,
        Some("application/json"),
    );
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["message"],
        "body is not valid JSON: raw control character 0x00 inside a string near byte 25"
    );
}

/// A syntax error anywhere outranks a schema error earlier in the document, as it did when
/// the whole document was parsed before it was read.
#[test]
fn malformed_json_is_reported_as_such_whatever_its_shape() {
    let (code, message) =
        direct_err(r#"{"transactions":[{"id":7,"amount":1,"type":"CREDIT"}],"x":[1,]}"#);
    assert_eq!(code, ErrorCode::InvalidJson, "{message}");
    assert!(message.contains("near byte 61"), "{message}");
    let (code, _) =
        direct_err(r#"{"transactions":[{"id":"a","amount":1e400,"type":"CREDIT"}],"x":tru}"#);
    assert_eq!(code, ErrorCode::InvalidJson);
}

#[test]
fn invalid_utf8_is_refused() {
    let mut event = br#"{"transactions":[{"id":"a"#.to_vec();
    event.extend_from_slice(&[0xff, 0xfe]);
    event.extend_from_slice(br#"","amount":1,"type":"CREDIT"}]}"#);
    let Reply::Failure(err) = Processor::new().handle(&event, new_year()) else {
        panic!()
    };
    assert_eq!(err.code, ErrorCode::InvalidJson);
    assert!(err.message.contains("invalid UTF-8"), "{}", err.message);
}

#[test]
fn sample_invalid_events_fail_with_their_expected_codes() {
    let dir = support::repo().join("events/invalid");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let event = std::fs::read_to_string(&path).unwrap();
        assert!(
            direct(&mut Processor::new(), &event).is_err(),
            "{} was accepted",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 5);
}

#[test]
fn oversized_payloads_are_refused_before_parsing() {
    let filler = "x".repeat(6 * 1024 * 1024);
    let event = format!(r#"{{"pad":"{filler}","transactions":[]}}"#);
    let (code, message) = direct_err(&event);
    assert_eq!(code, ErrorCode::PayloadTooLarge);
    assert!(
        message.contains("exceeds the 6291456-byte limit"),
        "{message}"
    );
    let (status, _, body) = http(
        &mut Processor::new(),
        &event,
        false,
        Some("application/json"),
    );
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");
}

#[test]
fn the_6_mb_limit_is_inclusive() {
    let (head, tail) = (r#"{"transactions":[],"pad":""#, r#""}"#);
    let fill = 6_291_456 - head.len() - tail.len();
    let event = format!("{head}{}{tail}", "x".repeat(fill));
    assert_eq!(event.len(), 6_291_456);
    assert!(direct(&mut Processor::new(), &event).is_ok());
    let event = format!("{head}{}{tail}", "x".repeat(fill + 1));
    assert_eq!(direct_err(&event).0, ErrorCode::PayloadTooLarge);
}

/// Base64 makes an API Gateway event a third larger than its body: an event over 6 MB around a
/// body within the limit is answered; only an event beyond any such envelope is refused unread.
#[test]
fn an_api_gateway_event_may_exceed_6_mb_around_a_body_that_does_not() {
    let batch = format!(
        r#"{{"pad":"{}","transactions":[{{"id":"a","amount":1.5,"type":"CREDIT"}}]}}"#,
        "x".repeat(4_800_000)
    );
    let mut p = Processor::new();
    let (status, _, body) = http(&mut p, &batch, true, Some("application/json"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["totalCredit"], 1.5);
    assert_eq!(body["creditCount"], 1);
    let beyond = format!(
        r#"{{"routeKey":"POST /transactions","body":"{}"}}"#,
        "x".repeat(12 * 1024 * 1024)
    );
    let Reply::Response(answer) = p.handle(beyond.as_bytes(), new_year()) else {
        panic!("an oversized API Gateway event is answered over HTTP");
    };
    let answer: Value = serde_json::from_slice(answer).unwrap();
    assert_eq!(answer["statusCode"], 413);
}

#[test]
fn api_gateway_errors_are_http_4xx_with_an_error_document() {
    let mut p = Processor::new();
    let (status, headers, body) = http(
        &mut p,
        r#"{"transactions":[{"id":"a","amount":"x","type":"CREDIT"}]}"#,
        false,
        Some("application/json"),
    );
    assert_eq!(status, 400);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(body["status"], "error");
    assert_eq!(body["error"]["code"], "INVALID_PAYLOAD");
    assert_eq!(
        body["error"]["message"],
        "transactions[0].amount: expected a number, found a string"
    );

    let (status, _, body) = http(&mut p, "{not json", false, None);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("INVALID_JSON"))
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("body is not valid JSON"));

    let (status, _, body) = http(&mut p, SEED, false, Some("text/plain"));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("UNSUPPORTED_MEDIA_TYPE"))
    );

    let (status, _, body) = http(&mut p, SEED, false, Some("application/json; charset=utf-8"));
    assert_eq!(
        (status, body["signature"].as_str()),
        (200, Some(seed_answer().signature.as_str()))
    );
    let (status, _, _) = http(&mut p, SEED, true, None);
    assert_eq!(status, 200);

    let mut event: Value = serde_json::from_str(APIGW_SEED_B64).unwrap();
    event["body"] = "not base64!".into();
    let (status, _, body) = http_event(&mut p, &event.to_string());
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("INVALID_BODY"))
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not valid base64"));

    let mut event: Value = serde_json::from_str(APIGW_SEED).unwrap();
    event.as_object_mut().unwrap().remove("body");
    let (status, _, body) = http_event(&mut p, &event.to_string());
    assert_eq!(status, 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("body: missing"));

    // Still serving.
    let (status, _, body) = http_event(&mut p, APIGW_SEED);
    assert_eq!((status, body["totalCredit"].clone()), (200, seed_total()));
}
