//! Cloud mode against a local HTTP server that speaks the Lambda Invoke, configuration and
//! CloudWatch Logs APIs, reached through the AWS SDK's endpoint override. The server plays back
//! recorded reports in both forms Lambda writes them (text REPORT lines, JSON `platform.report`
//! records for `LogFormat: JSON`), malformed ones included, and throttling. Its
//! FilterLogEvents applies the filter pattern's quoted terms (`?` = any of them), as
//! CloudWatch Logs does.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use lambda_bench::benchmark::{Event, Kind, Silent, Status};
use lambda_bench::cloud::{config_loader, CloudBench, CloudError, CloudOptions};

/// One scripted answer to an Invoke call. `{id}` in the tail is replaced by the request id.
#[derive(Clone)]
enum Scripted {
    Ok {
        tail: Option<String>,
        payload: &'static str,
        function_error: Option<&'static str>,
    },
    Throttle,
    /// No tail; a REPORT line under a different request id goes to the logs (like MiniStack),
    /// as a JSON `platform.report` record when `json`.
    LoggedElsewhere {
        duration_ms: f64,
        json: bool,
    },
}

/// An answer without `LogResult` (MiniStack's): the report must come from CloudWatch Logs.
fn no_tail() -> Scripted {
    Scripted::Ok {
        tail: None,
        payload: r#"{"status":"success"}"#,
        function_error: None,
    }
}

fn ok(tail: &str) -> Scripted {
    Scripted::Ok {
        tail: Some(tail.to_owned()),
        payload: r#"{"status":"success"}"#,
        function_error: None,
    }
}

const WARM: &str = "START RequestId: {id} Version: $LATEST\nEND RequestId: {id}\nREPORT RequestId: {id}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 20 MB\t\n";
const COLD: &str = "START RequestId: {id} Version: $LATEST\nEND RequestId: {id}\nREPORT RequestId: {id}\tDuration: 3.25 ms\tBilled Duration: 15 ms\tMemory Size: 256 MB\tMax Memory Used: 18 MB\tInit Duration: 11.40 ms\t\n";

// The same, as a function with `LoggingConfig.LogFormat: JSON` writes them (every CDK stage):
// platform records and the function's own JSON log lines, one per line.
const JSON_START: &str = r#"{"time":"2026-11-30T10:00:00.101Z","type":"platform.start","record":{"requestId":"{id}","version":"$LATEST"}}"#;
const JSON_APP: &str = r#"{"timestamp":"2026-11-30T10:00:00.102Z","level":"INFO","message":"credits counted","requestId":"{id}"}"#;
const JSON_INIT_START: &str = r#"{"time":"2026-11-30T10:00:00.050Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"provided:al2023.v100","runtimeVersionArn":"arn:aws:lambda:us-east-1::runtime:0123","functionName":"txfn","functionVersion":"$LATEST"}}"#;
const JSON_INIT_REPORT: &str = r#"{"time":"2026-11-30T10:00:00.100Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":12.5}}}"#;
const JSON_REPORT_COLD: &str = r#"{"time":"2026-11-30T10:00:00.120Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":3.25,"billedDurationMs":15,"memorySizeMB":256,"maxMemoryUsedMB":18,"initDurationMs":11.4},"status":"success"}}"#;
const JSON_REPORT_WARM: &str = r#"{"time":"2026-11-30T10:00:01.000Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":256,"maxMemoryUsedMB":20},"status":"success"}}"#;
const JSON_REPORT_NO_INIT: &str = r#"{"time":"2026-11-30T10:00:00.120Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":2.75,"billedDurationMs":16,"memorySizeMB":256,"maxMemoryUsedMB":19},"status":"success"}}"#;
const JSON_REPORT_ERROR: &str = r#"{"time":"2026-11-30T10:00:02.000Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":4.02,"billedDurationMs":5,"memorySizeMB":256,"maxMemoryUsedMB":21},"status":"error","errorType":"Runtime.ExitError"}}"#;
const JSON_REPORT_TIMEOUT: &str = r#"{"time":"2026-11-30T10:00:05.000Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":3000.0,"billedDurationMs":3000,"memorySizeMB":256,"maxMemoryUsedMB":22},"status":"timeout"}}"#;
const JSON_REPORT_NO_BILLED: &str = r#"{"time":"2026-11-30T10:00:06.000Z","type":"platform.report","record":{"requestId":"{id}","metrics":{"durationMs":1.0,"memorySizeMB":256,"maxMemoryUsedMB":20},"status":"success"}}"#;

/// A JSON-format tail: the given records, one per line.
fn json_tail(records: &[&str]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// CloudWatch Logs' term matching, enough for the patterns cloud mode sends: quoted terms,
/// all of them required, or any of them when prefixed with `?`.
fn filter_matches(pattern: &str, message: &str) -> bool {
    let terms: Vec<&str> = pattern.split('"').skip(1).step_by(2).collect();
    if terms.is_empty() {
        return true;
    }
    if pattern.trim_start().starts_with('?') {
        terms.iter().any(|t| message.contains(t))
    } else {
        terms.iter().all(|t| message.contains(t))
    }
}

#[derive(Default)]
struct Fake {
    script: Mutex<VecDeque<Scripted>>,
    invokes: Mutex<usize>,
    env: Mutex<HashMap<String, String>>,
    updates: Mutex<Vec<HashMap<String, String>>>,
    in_progress_polls: Mutex<usize>,
    config_polls: Mutex<usize>,
    logs: Mutex<Vec<(i64, String)>>,
    filter_calls: Mutex<usize>,
    filter_patterns: Mutex<Vec<String>>,
}

impl Fake {
    fn config_json(&self, status: &str) -> String {
        serde_json::json!({
            "FunctionName": "txfn",
            "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:txfn",
            "MemorySize": 256,
            "CodeSize": 1234567,
            "LastUpdateStatus": status,
            "State": "Active",
            "Environment": { "Variables": *self.env.lock().unwrap() },
        })
        .to_string()
    }
}

async fn handle(
    fake: Arc<Fake>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let reply = |status: u16, headers: Vec<(&str, String)>, body: String| {
        let mut resp = Response::builder().status(status);
        for (k, v) in headers {
            resp = resp.header(k, v);
        }
        Ok(resp.body(Full::new(Bytes::from(body))).unwrap())
    };
    if path == "/2015-03-31/functions/txfn/invocations" {
        let n = {
            let mut invokes = fake.invokes.lock().unwrap();
            *invokes += 1;
            *invokes
        };
        let id = format!("req-{n:04}");
        let next = fake
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| ok(WARM));
        return match next {
            Scripted::Throttle => reply(
                429,
                vec![("x-amzn-ErrorType", "TooManyRequestsException".into()), ("x-amzn-RequestId", id), ("content-type", "application/json".into())],
                r#"{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#.into(),
            ),
            Scripted::LoggedElsewhere { duration_ms, json } => {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
                let line = if json {
                    format!(r#"{{"time":"2026-11-30T10:00:00.000Z","type":"platform.report","record":{{"requestId":"emulator-{n}","metrics":{{"durationMs":{duration_ms},"billedDurationMs":1,"memorySizeMB":256,"maxMemoryUsedMB":9}},"status":"success"}}}}"#)
                } else {
                    format!("REPORT RequestId: emulator-{n}\tDuration: {duration_ms} ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 9 MB\t")
                };
                fake.logs.lock().unwrap().push((now, line));
                reply(200, vec![("x-amzn-RequestId", id)], r#"{"ok":true}"#.into())
            }
            Scripted::Ok { tail, payload, function_error } => {
                let mut headers = vec![("x-amzn-RequestId", id.clone()), ("X-Amz-Executed-Version", "$LATEST".into())];
                if let Some(tail) = tail {
                    let tail = tail.replace("{id}", &id);
                    headers.push(("X-Amz-Log-Result", base64::engine::general_purpose::STANDARD.encode(tail)));
                }
                if let Some(kind) = function_error {
                    headers.push(("X-Amz-Function-Error", kind.into()));
                }
                reply(200, headers, payload.into())
            }
        };
    }
    if path == "/2015-03-31/functions/txfn/configuration" {
        if parts.method == hyper::Method::PUT {
            let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let vars: HashMap<String, String> =
                serde_json::from_value(doc["Environment"]["Variables"].clone()).unwrap();
            *fake.env.lock().unwrap() = vars.clone();
            fake.updates.lock().unwrap().push(vars);
            *fake.in_progress_polls.lock().unwrap() = 2;
            return reply(200, vec![], fake.config_json("InProgress"));
        }
        *fake.config_polls.lock().unwrap() += 1;
        let status = {
            let mut left = fake.in_progress_polls.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                "InProgress"
            } else {
                "Successful"
            }
        };
        return reply(200, vec![], fake.config_json(status));
    }
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if path == "/" && target == "Logs_20140328.FilterLogEvents" {
        *fake.filter_calls.lock().unwrap() += 1;
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let pattern = request["filterPattern"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        fake.filter_patterns.lock().unwrap().push(pattern.clone());
        let events: Vec<serde_json::Value> = fake
            .logs
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, m)| filter_matches(&pattern, m))
            .enumerate()
            .map(|(i, (ts, m))| serde_json::json!({"logStreamName": "s", "timestamp": ts, "ingestionTime": ts, "eventId": i.to_string(), "message": m}))
            .collect();
        return reply(
            200,
            vec![("content-type", "application/x-amz-json-1.1".into())],
            serde_json::json!({"events": events, "searchedLogStreams": []}).to_string(),
        );
    }
    reply(
        404,
        vec![("x-amzn-ErrorType", "ResourceNotFoundException".into())],
        format!(r#"{{"message":"no route {path}"}}"#),
    )
}

async fn serve(fake: Arc<Fake>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            let fake = fake.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| handle(fake.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

async fn bench(fake: &Arc<Fake>, tweak: impl FnOnce(&mut CloudOptions)) -> CloudBench {
    let addr = serve(fake.clone()).await;
    let mut options = CloudOptions::new("txfn");
    options.region = Some("us-east-1".into());
    options.endpoint_url = Some(format!("http://{addr}"));
    options.initial_backoff = Duration::from_millis(1);
    options.logs_timeout = Duration::from_millis(300);
    options.update_timeout = Duration::from_secs(5);
    tweak(&mut options);
    let credentials =
        aws_sdk_lambda::config::Credentials::new("AKIDTEST", "secret", None, None, "test");
    let sdk = config_loader(&options)
        .credentials_provider(credentials)
        .load()
        .await;
    CloudBench::new(&sdk, options)
}

fn events() -> Vec<Event> {
    vec![Event {
        name: "seed-3tx".into(),
        payload: Bytes::from_static(br#"{"requestId":"r","transactions":[]}"#),
    }]
}

#[tokio::test]
async fn warm_runs_read_recorded_report_lines_and_flag_malformed_ones() {
    let fake = Arc::new(Fake::default());
    fake.script.lock().unwrap().extend([
        ok(COLD),
        ok(WARM),
        ok("REPORT RequestId: {id}\tDuration: fast ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 20 MB\n"),
        ok("REPORT RequestId: {id}\tDuration: 1.0 ms\n"),
        Scripted::Ok {
            tail: Some(WARM.to_owned()),
            payload: r#"{"errorType":"InvalidPayload","errorMessage":"transactions[3].amount: not a number"}"#,
            function_error: Some("Unhandled"),
        },
    ]);
    let bench = bench(&fake, |o| o.warm_runs = 5).await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    assert_eq!(result.memory_size_mb, 256);
    assert_eq!(result.size_bytes, Some(1234567));
    assert_eq!(result.samples.len(), 5);
    let s = &result.samples;
    // An Init Duration makes a sample cold, whatever was intended.
    assert_eq!(
        (s[0].kind, s[0].init_ms, s[0].duration_ms, s[0].billed_ms),
        (Kind::Cold, Some(11.4), Some(3.25), Some(15))
    );
    assert_eq!(s[0].max_memory_bytes, Some(18 << 20));
    assert_eq!(
        (s[1].kind, s[1].duration_ms, s[1].request_id.as_str()),
        (Kind::Warm, Some(1.5), "req-0002")
    );
    assert_eq!(s[2].duration_ms, None);
    assert!(
        s[2].detail
            .as_deref()
            .unwrap()
            .contains("malformed REPORT line: REPORT line has an unreadable Duration"),
        "{:?}",
        s[2].detail
    );
    assert!(
        s[3].detail
            .as_deref()
            .unwrap()
            .contains("has no Billed Duration"),
        "{:?}",
        s[3].detail
    );
    assert_eq!(s[4].status, Status::FunctionError);
    assert!(s[4]
        .detail
        .as_deref()
        .unwrap()
        .starts_with("InvalidPayload: transactions[3].amount"));
    // Only well-formed lines enter the statistics.
    let warm = result.summaries.warm_duration_ms.unwrap();
    assert_eq!(warm.count, 2);
    assert_eq!(result.summaries.init_ms.unwrap().count, 1);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_succeeds() {
    let fake = Arc::new(Fake::default());
    fake.script
        .lock()
        .unwrap()
        .extend([Scripted::Throttle, Scripted::Throttle, ok(WARM)]);
    let bench = bench(&fake, |o| {
        o.warm_runs = 1;
        o.max_attempts = 4;
    })
    .await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    assert_eq!(*fake.invokes.lock().unwrap(), 3);
    assert_eq!(result.samples.len(), 1);
    assert_eq!(result.samples[0].status, Status::Ok);
    assert_eq!(result.samples[0].duration_ms, Some(1.5));
}

#[tokio::test]
async fn warm_up_invocations_are_not_measured() {
    let fake = Arc::new(Fake::default());
    fake.script
        .lock()
        .unwrap()
        .extend([ok(COLD), ok(WARM), ok(WARM)]);
    let bench = bench(&fake, |o| {
        o.warmup = 1;
        o.warm_runs = 2;
    })
    .await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    assert_eq!(*fake.invokes.lock().unwrap(), 3);
    assert_eq!(result.samples.len(), 2);
    assert!(
        result.samples.iter().all(|s| s.kind == Kind::Warm),
        "the cold start went to the warm-up"
    );
    assert_eq!(result.samples[0].request_id, "req-0002");
}

#[tokio::test]
async fn persistent_throttling_fails_clearly() {
    let fake = Arc::new(Fake::default());
    fake.script
        .lock()
        .unwrap()
        .extend(std::iter::repeat_n(Scripted::Throttle, 10));
    let bench = bench(&fake, |o| {
        o.warm_runs = 1;
        o.max_attempts = 3;
    })
    .await;
    let err = bench.run(&events(), &Silent).await.unwrap_err();
    assert!(
        matches!(
            err,
            CloudError::Throttled {
                operation: "Invoke",
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("Invoke was throttled on all 3 attempts")
            && text.contains("TooManyRequestsException"),
        "{text}"
    );
    assert_eq!(*fake.invokes.lock().unwrap(), 3);
}

#[tokio::test]
async fn cold_starts_are_forced_by_an_environment_update() {
    let fake = Arc::new(Fake::default());
    fake.env.lock().unwrap().insert("KEEP".into(), "me".into());
    fake.script.lock().unwrap().extend([ok(COLD), ok(COLD)]);
    let bench = bench(&fake, |o| {
        o.cold_runs = 2;
        o.warm_runs = 0;
    })
    .await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    let updates = fake.updates.lock().unwrap().clone();
    assert_eq!(updates.len(), 2);
    for update in &updates {
        assert_eq!(
            update.get("KEEP").map(String::as_str),
            Some("me"),
            "other variables are kept"
        );
    }
    assert_ne!(
        updates[0]["LAMBDA_BENCH_COLD_START"],
        updates[1]["LAMBDA_BENCH_COLD_START"]
    );
    // configuration() once; per cold start: one read before the update, then polls through
    // InProgress, InProgress until Successful.
    assert_eq!(*fake.config_polls.lock().unwrap(), 1 + 2 * (1 + 3));
    assert!(result
        .samples
        .iter()
        .all(|s| s.kind == Kind::Cold && s.init_ms == Some(11.4)));
    assert_eq!(result.summaries.cold_start_ms.unwrap().mean, 11.4 + 3.25);
}

#[tokio::test]
async fn report_lines_come_from_cloudwatch_logs_when_the_tail_has_none() {
    let fake = Arc::new(Fake::default());
    fake.script.lock().unwrap().extend([no_tail(), no_tail()]);
    fake.logs.lock().unwrap().extend([
        (1, "START RequestId: req-0001 Version: $LATEST\n".to_owned()),
        (1, "REPORT RequestId: req-0001\tDuration: 7.77 ms\tBilled Duration: 8 ms\tMemory Size: 256 MB\tMax Memory Used: 21 MB\t\n".to_owned()),
        (1, "REPORT RequestId: someone-else\tDuration: 99 ms\tBilled Duration: 99 ms\tMemory Size: 256 MB\tMax Memory Used: 99 MB\t\n".to_owned()),
    ]);
    let bench = bench(&fake, |o| o.warm_runs = 2).await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    assert_eq!(result.samples[0].duration_ms, Some(7.77));
    assert_eq!(result.samples[0].max_memory_bytes, Some(21 << 20));
    // The second has no line anywhere: reported, not invented, after the bounded wait.
    assert_eq!(result.samples[1].duration_ms, None);
    assert!(
        result.samples[1]
            .detail
            .as_deref()
            .unwrap()
            .contains("no REPORT line"),
        "{:?}",
        result.samples[1].detail
    );
    assert!(*fake.filter_calls.lock().unwrap() >= 2);
}

/// Three warm invocations whose reports (`(Duration, JSON?)`) land in the logs under the
/// emulator's own request ids, one at a time: the Durations read back, in order.
async fn matched_by_time(fake: &Arc<Fake>, logged: [(f64, bool); 3]) -> Vec<Option<f64>> {
    let script = logged.map(|(duration_ms, json)| Scripted::LoggedElsewhere { duration_ms, json });
    fake.script.lock().unwrap().extend(script);
    let bench = bench(fake, |o| {
        o.warm_runs = 3;
        o.logs_timeout = Duration::from_secs(4);
    })
    .await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    result.samples.iter().map(|s| s.duration_ms).collect()
}

#[tokio::test]
async fn emulator_request_ids_fall_back_to_matching_by_time() {
    let fake = Arc::new(Fake::default());
    // A line from before the run must not be taken.
    fake.logs.lock().unwrap().push((1, "REPORT RequestId: old\tDuration: 500 ms\tBilled Duration: 500 ms\tMemory Size: 256 MB\tMax Memory Used: 9 MB".into()));
    let durations = matched_by_time(&fake, [(4.0, false), (6.0, false), (8.0, false)]).await;
    assert_eq!(
        durations,
        [Some(4.0), Some(6.0), Some(8.0)],
        "each line claimed once, in order"
    );
}

#[tokio::test]
async fn json_format_tails_are_read_like_text_ones() {
    let fake = Arc::new(Fake::default());
    let crash_payload = r#"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited with error: signal: aborted"}"#;
    let timeout_payload = r#"{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: x Error: Task timed out after 3.00 seconds"}"#;
    let with = |tail: String, payload: &'static str, error: Option<&'static str>| Scripted::Ok {
        tail: Some(tail),
        payload,
        function_error: error,
    };
    fake.script.lock().unwrap().extend([
        // Cold, initDurationMs in the report (and an initReport before it).
        ok(&json_tail(&[
            JSON_INIT_START,
            JSON_INIT_REPORT,
            JSON_START,
            JSON_APP,
            JSON_REPORT_COLD,
        ])),
        ok(&json_tail(&[JSON_START, JSON_APP, JSON_REPORT_WARM])),
        // Cold, the Init Duration only in the platform.initReport record.
        ok(&json_tail(&[
            JSON_INIT_REPORT,
            JSON_START,
            JSON_REPORT_NO_INIT,
        ])),
        with(
            json_tail(&[JSON_START, JSON_REPORT_ERROR]),
            crash_payload,
            Some("Unhandled"),
        ),
        with(
            json_tail(&[JSON_START, JSON_REPORT_TIMEOUT]),
            timeout_payload,
            Some("Unhandled"),
        ),
        ok(&json_tail(&[JSON_START, JSON_REPORT_NO_BILLED])),
    ]);
    let bench = bench(&fake, |o| o.warm_runs = 6).await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    let s = &result.samples;
    assert_eq!(s.len(), 6);
    assert_eq!(
        (s[0].kind, s[0].init_ms, s[0].duration_ms, s[0].billed_ms),
        (Kind::Cold, Some(11.4), Some(3.25), Some(15))
    );
    assert_eq!(s[0].max_memory_bytes, Some(18 << 20));
    assert_eq!(
        (s[1].kind, s[1].init_ms, s[1].duration_ms, s[1].status),
        (Kind::Warm, None, Some(1.5), Status::Ok)
    );
    assert_eq!(s[1].request_id, "req-0002");
    assert_eq!(
        (s[2].kind, s[2].init_ms, s[2].duration_ms),
        (Kind::Cold, Some(12.5), Some(2.75))
    );
    assert_eq!(
        (s[3].status, s[3].duration_ms, s[3].max_memory_bytes),
        (Status::Crash, Some(4.02), Some(21 << 20))
    );
    assert!(!s[3].log_tail.is_empty(), "a crash keeps the tail");
    assert_eq!(
        (s[4].status, s[4].duration_ms),
        (Status::Timeout, Some(3000.0))
    );
    assert_eq!(s[5].duration_ms, None);
    assert!(
        s[5].detail
            .as_deref()
            .unwrap()
            .contains("malformed REPORT line: platform.report record has no billedDurationMs"),
        "{:?}",
        s[5].detail
    );
    assert_eq!(result.summaries.init_ms.unwrap().count, 2);
    assert_eq!(result.summaries.warm_duration_ms.unwrap().count, 1);
    assert_eq!(
        *fake.filter_calls.lock().unwrap(),
        0,
        "no CloudWatch lookups"
    );
}

#[tokio::test]
async fn json_records_come_from_cloudwatch_logs_by_request_id() {
    let fake = Arc::new(Fake::default());
    fake.script.lock().unwrap().extend([no_tail(), no_tail()]);
    let id = |record: &str, id: &str| record.replace("{id}", id);
    fake.logs.lock().unwrap().extend([
        (1, JSON_INIT_REPORT.to_owned()),
        (1, id(JSON_START, "req-0001")),
        (1, id(JSON_APP, "req-0001")),
        (1, id(JSON_REPORT_COLD, "req-0001")),
        (1, id(JSON_REPORT_WARM, "someone-else")),
        (1, id(JSON_START, "req-0002")),
        (1, id(JSON_REPORT_TIMEOUT, "req-0002")),
    ]);
    let bench = bench(&fake, |o| o.warm_runs = 2).await;
    let result = bench.run(&events(), &Silent).await.unwrap();
    let s = &result.samples;
    assert_eq!(
        (s[0].kind, s[0].init_ms, s[0].duration_ms, s[0].billed_ms),
        (Kind::Cold, Some(11.4), Some(3.25), Some(15))
    );
    assert_eq!(
        (s[1].status, s[1].duration_ms),
        (Status::Timeout, Some(3000.0))
    );
    let patterns = fake.filter_patterns.lock().unwrap().clone();
    assert_eq!(patterns, [r#""req-0001""#, r#""req-0002""#]);
}

#[tokio::test]
async fn json_records_are_matched_by_time_through_the_widened_filter_pattern() {
    let fake = Arc::new(Fake::default());
    let durations = matched_by_time(&fake, [(4.0, true), (6.0, false), (8.0, true)]).await;
    assert_eq!(durations, [Some(4.0), Some(6.0), Some(8.0)]);
    let patterns = fake.filter_patterns.lock().unwrap().clone();
    assert!(
        patterns.contains(&r#"?"REPORT RequestId" ?"platform.report""#.to_owned()),
        "{patterns:?}"
    );
}

#[test]
fn the_fake_filters_like_cloudwatch_logs() {
    let json = JSON_REPORT_WARM.replace("{id}", "abc");
    let text = "REPORT RequestId: abc\tDuration: 1 ms";
    let any = r#"?"REPORT RequestId" ?"platform.report""#;
    assert!(filter_matches(any, &json) && filter_matches(any, text));
    assert!(!filter_matches(any, &JSON_START.replace("{id}", "abc")));
    assert!(filter_matches(r#""abc""#, &json));
    assert!(
        !filter_matches(r#""REPORT RequestId""#, &json),
        "the old pattern missed JSON"
    );
}
