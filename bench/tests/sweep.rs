//! Memory sweeps (`lambda-bench cloud --memory ...`) against a loopback Lambda API fake that
//! keeps state as Lambda does: `$LATEST`'s configuration, published versions, aliases (a
//! `live` one among them, which a sweep must never touch). Its invocations take a time that
//! depends on the memory size of the version invoked (CPU share grows with memory up to one
//! vCPU at 1769 MB), so the recommendation has known answers. Reports come in the tail as text
//! REPORT lines or JSON `platform.report` records.
//!
//! The three ways a sweep ends are each tested for "the function is left as it was found":
//! finished, stopped by an error, interrupted (in the library, and by a real SIGINT to the
//! binary); and a restore that fails prints commands that, run with the AWS CLI, finish it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use lambda_bench::benchmark::{Event, Silent};
use lambda_bench::cloud::{config_loader, CloudBench, CloudError, CloudOptions};
use lambda_bench::tuning::cost::Pricing;
use lambda_bench::tuning::{Judging, SweepResults};

const FUNCTION: &str = "txfn";
const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:txfn";

/// One configuration: `$LATEST`'s or a version's.
#[derive(Clone, Debug, PartialEq)]
struct Config {
    memory_mb: u64,
    env: BTreeMap<String, String>,
    description: String,
}

/// Invocation time model: `fixed + work × max(1, 1769 / MB)` ms, init `init × max(1, 1769 / MB)`.
#[derive(Clone, Copy)]
struct Model {
    fixed_ms: f64,
    work_ms: f64,
    init_ms: f64,
    used_mb: u64,
}

const MODEL: Model = Model {
    fixed_ms: 5.0,
    work_ms: 20.0,
    init_ms: 8.0,
    used_mb: 110,
};

impl Model {
    fn slowdown(memory_mb: u64) -> f64 {
        (1769.0 / memory_mb as f64).max(1.0)
    }
    fn duration(&self, memory_mb: u64) -> f64 {
        self.fixed_ms + self.work_ms * Model::slowdown(memory_mb)
    }
    fn init(&self, memory_mb: u64) -> f64 {
        self.init_ms * Model::slowdown(memory_mb)
    }
}

struct State {
    latest: Config,
    versions: BTreeMap<u64, (Config, bool)>,
    next_version: u64,
    aliases: BTreeMap<String, u64>,
    /// Every alias name written (created, updated, deleted).
    alias_writes: Vec<String>,
    /// `MemorySize` of every configuration update, in order.
    memory_updates: Vec<u64>,
    /// Polls left that answer `InProgress` after an update.
    in_progress: usize,
}

struct Fake {
    state: Mutex<State>,
    json_logs: bool,
    /// The n-th invocation (1-based) fails with a non-retryable error.
    fail_invoke_at: Option<usize>,
    /// DeleteAlias is refused (AccessDenied) while set.
    refuse_delete_alias: Mutex<bool>,
    invokes: tokio::sync::watch::Sender<usize>,
}

impl Fake {
    fn new(json_logs: bool, fail_invoke_at: Option<usize>) -> Arc<Fake> {
        let latest = Config {
            memory_mb: 256,
            env: BTreeMap::from([("KEEP".to_owned(), "me".to_owned())]),
            description: String::new(),
        };
        Arc::new(Fake {
            state: Mutex::new(State {
                versions: BTreeMap::from([(1, (latest.clone(), true))]),
                latest,
                next_version: 2,
                aliases: BTreeMap::from([("live".to_owned(), 1)]),
                alias_writes: Vec::new(),
                memory_updates: Vec::new(),
                in_progress: 0,
            }),
            json_logs,
            fail_invoke_at,
            refuse_delete_alias: Mutex::new(false),
            invokes: tokio::sync::watch::channel(0).0,
        })
    }

    /// The function exactly as every test starts it: 256 MB, `KEEP=me`, version 1 behind live.
    fn assert_as_found(&self) {
        let s = self.state.lock().unwrap();
        assert_eq!(s.latest.memory_mb, 256);
        assert_eq!(
            s.latest.env,
            BTreeMap::from([("KEEP".to_owned(), "me".to_owned())])
        );
        assert_eq!(s.versions.keys().copied().collect::<Vec<_>>(), [1]);
        assert_eq!(s.aliases, BTreeMap::from([("live".to_owned(), 1)]));
        assert!(
            !s.alias_writes.iter().any(|a| a == "live"),
            "{:?}",
            s.alias_writes
        );
    }
}

fn config_json(c: &Config, version: &str, status: &str) -> serde_json::Value {
    let arn = if version == "$LATEST" {
        ARN.to_owned()
    } else {
        format!("{ARN}:{version}")
    };
    serde_json::json!({
        "FunctionName": FUNCTION, "FunctionArn": arn, "Version": version,
        "MemorySize": c.memory_mb, "CodeSize": 1016328, "Description": c.description,
        "Environment": {"Variables": c.env}, "Architectures": ["arm64"],
        "State": "Active", "LastUpdateStatus": status,
    })
}

type Reply = Result<Response<Full<Bytes>>, Infallible>;

fn reply(status: u16, headers: &[(&str, String)], body: String) -> Reply {
    let mut resp = Response::builder().status(status);
    for (k, v) in headers {
        resp = resp.header(*k, v);
    }
    Ok(resp.body(Full::new(Bytes::from(body))).unwrap())
}

fn error(status: u16, kind: &str, message: &str) -> Reply {
    reply(
        status,
        &[("x-amzn-ErrorType", kind.to_owned())],
        serde_json::json!({ "message": message }).to_string(),
    )
}

fn alias_json(name: &str, version: u64) -> String {
    serde_json::json!({"AliasArn": format!("{ARN}:{name}"), "Name": name, "FunctionVersion": version.to_string()})
        .to_string()
}

async fn handle(fake: Arc<Fake>, req: Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let qualifier = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("Qualifier="))
        .map(|q| q.replace("%24", "$"));
    let path = parts.uri.path().to_owned();
    let Some(rest) = path.strip_prefix(&format!("/2015-03-31/functions/{FUNCTION}")) else {
        return error(
            404,
            "ResourceNotFoundException",
            &format!("no route {path}"),
        );
    };
    let mut s = fake.state.lock().unwrap();
    let method = parts.method.clone();
    match (method, rest) {
        (Method::GET, "/configuration") => {
            let status = if s.in_progress > 0 {
                s.in_progress -= 1;
                "InProgress"
            } else {
                "Successful"
            };
            match qualifier.as_deref() {
                None | Some("$LATEST") => reply(
                    200,
                    &[],
                    config_json(&s.latest, "$LATEST", status).to_string(),
                ),
                Some(q) => match q.parse::<u64>().ok().and_then(|v| s.versions.get(&v)) {
                    Some((c, _)) => reply(200, &[], config_json(c, q, "Successful").to_string()),
                    None => error(404, "ResourceNotFoundException", "no such version"),
                },
            }
        }
        (Method::PUT, "/configuration") => {
            if let Some(m) = doc["MemorySize"].as_u64() {
                s.latest.memory_mb = m;
                s.memory_updates.push(m);
            }
            if let Some(vars) = doc["Environment"]["Variables"].as_object() {
                s.latest.env = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect();
            }
            s.in_progress = 1;
            reply(
                200,
                &[],
                config_json(&s.latest, "$LATEST", "InProgress").to_string(),
            )
        }
        (Method::POST, "/versions") => {
            let mut c = s.latest.clone();
            c.description = doc["Description"].as_str().unwrap_or_default().to_owned();
            let v = s.next_version;
            s.next_version += 1;
            s.versions.insert(v, (c.clone(), false));
            reply(
                201,
                &[],
                config_json(&c, &v.to_string(), "Successful").to_string(),
            )
        }
        (Method::GET, "/versions") => {
            let mut versions = vec![config_json(&s.latest, "$LATEST", "Successful")];
            versions.extend(
                s.versions
                    .iter()
                    .map(|(v, (c, _))| config_json(c, &v.to_string(), "Successful")),
            );
            reply(
                200,
                &[],
                serde_json::json!({ "Versions": versions }).to_string(),
            )
        }
        (Method::POST, "/aliases") => {
            let name = doc["Name"].as_str().unwrap_or_default().to_owned();
            let version: u64 = doc["FunctionVersion"]
                .as_str()
                .unwrap_or("0")
                .parse()
                .unwrap();
            s.alias_writes.push(name.clone());
            if s.aliases.contains_key(&name) {
                return error(409, "ResourceConflictException", "alias exists");
            }
            s.aliases.insert(name.clone(), version);
            reply(201, &[], alias_json(&name, version))
        }
        (method, rest) if rest.starts_with("/aliases/") => {
            let name = rest.trim_start_matches("/aliases/").to_owned();
            let Some(&version) = s.aliases.get(&name) else {
                return error(404, "ResourceNotFoundException", "Alias not found");
            };
            match method {
                Method::GET => reply(200, &[], alias_json(&name, version)),
                Method::PUT => {
                    let version: u64 = doc["FunctionVersion"]
                        .as_str()
                        .unwrap_or("0")
                        .parse()
                        .unwrap();
                    s.alias_writes.push(name.clone());
                    s.aliases.insert(name.clone(), version);
                    reply(200, &[], alias_json(&name, version))
                }
                Method::DELETE => {
                    if *fake.refuse_delete_alias.lock().unwrap() {
                        return error(403, "AccessDeniedException", "not allowed to DeleteAlias");
                    }
                    s.alias_writes.push(name.clone());
                    s.aliases.remove(&name);
                    reply(204, &[], String::new())
                }
                _ => error(405, "InvalidRequestContentException", "method"),
            }
        }
        (Method::DELETE, "") => {
            let Some(v) = qualifier.and_then(|q| q.parse::<u64>().ok()) else {
                return error(
                    400,
                    "InvalidParameterValueException",
                    "the tests never delete the function",
                );
            };
            if s.aliases.values().any(|&a| a == v) {
                return error(
                    409,
                    "ResourceConflictException",
                    "an alias points to this version",
                );
            }
            match s.versions.remove(&v) {
                Some(_) => reply(204, &[], String::new()),
                None => error(404, "ResourceNotFoundException", "no such version"),
            }
        }
        (Method::POST, "/invocations") => {
            let n = *fake.invokes.borrow() + 1;
            fake.invokes.send_replace(n);
            if fake.fail_invoke_at == Some(n) {
                return error(400, "InvalidRequestContentException", "scripted failure");
            }
            let version = match qualifier.as_deref() {
                Some(q) => s.aliases.get(q).copied().or_else(|| q.parse().ok()),
                None => None,
            };
            let Some((config, invoked)) = version.and_then(|v| s.versions.get_mut(&v)) else {
                return error(
                    404,
                    "ResourceNotFoundException",
                    "invoke a version or alias",
                );
            };
            let cold = !std::mem::replace(invoked, true);
            let tail = report(&fake, config.memory_mb, cold, &format!("req-{n:04}"));
            reply(
                200,
                &[
                    ("x-amzn-RequestId", format!("req-{n:04}")),
                    (
                        "X-Amz-Log-Result",
                        base64::engine::general_purpose::STANDARD.encode(tail),
                    ),
                ],
                r#"{"status":"success"}"#.into(),
            )
        }
        _ => error(
            404,
            "ResourceNotFoundException",
            &format!("no route {path}"),
        ),
    }
}

/// The invocation's report, by the model, in the fake's log format.
fn report(fake: &Fake, memory_mb: u64, cold: bool, id: &str) -> String {
    let duration = MODEL.duration(memory_mb);
    let init = cold.then(|| MODEL.init(memory_mb));
    let billed = (duration + init.unwrap_or(0.0)).ceil() as u64;
    let used = MODEL.used_mb;
    if fake.json_logs {
        let init = init
            .map(|i| format!(r#","initDurationMs":{i}"#))
            .unwrap_or_default();
        format!(
            r#"{{"time":"2026-12-04T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{id}","metrics":{{"durationMs":{duration},"billedDurationMs":{billed},"memorySizeMB":{memory_mb},"maxMemoryUsedMB":{used}{init}}},"status":"success"}}}}"#
        ) + "\n"
    } else {
        let init = init
            .map(|i| format!("Init Duration: {i:.2} ms\t"))
            .unwrap_or_default();
        format!(
            "START RequestId: {id} Version: 2\nEND RequestId: {id}\nREPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {used} MB\t{init}\n"
        )
    }
}

async fn serve(fake: Arc<Fake>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
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

fn options(addr: SocketAddr) -> CloudOptions {
    let mut options = CloudOptions::new(FUNCTION);
    options.region = Some("us-east-1".into());
    options.endpoint_url = Some(format!("http://{addr}"));
    options.initial_backoff = Duration::from_millis(1);
    options.max_attempts = 2;
    options.logs_timeout = Duration::from_millis(300);
    options.update_timeout = Duration::from_secs(5);
    options.cold_runs = 1;
    options.warm_runs = 3;
    options
}

async fn bench(addr: SocketAddr) -> CloudBench {
    let options = options(addr);
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

fn judging(balance_weight: f64) -> Judging {
    Judging {
        pricing: Pricing::defaults("arm64"),
        cold_share: 0.01,
        headroom: 0.2,
        balance_weight,
    }
}

const SIZES: [u64; 5] = [128, 256, 512, 1024, 1769];

/// Memory MB, invocations, warm p50, mean Billed warm, mean Billed cold.
type SizeRow = (u64, usize, Option<f64>, Option<f64>, Option<f64>);

#[tokio::test]
async fn a_sweep_measures_every_size_recommends_with_known_answers_and_restores() {
    for json_logs in [false, true] {
        let fake = Fake::new(json_logs, None);
        let bench = bench(serve(fake.clone()).await).await;
        let swept = bench
            .sweep(
                &events(),
                &SIZES,
                "lambda-bench-sweep",
                &Silent,
                std::future::pending(),
            )
            .await
            .unwrap();
        fake.assert_as_found();
        {
            let s = fake.state.lock().unwrap();
            // One update per size, then the restore's.
            assert_eq!(s.memory_updates, [128, 256, 512, 1024, 1769, 256]);
            assert_eq!(
                s.next_version, 7,
                "one version per size (one cold start each)"
            );
        }
        assert_eq!(swept.architecture.as_deref(), Some("arm64"));
        assert_eq!(swept.original_memory_mb, 256);
        assert!(
            swept.restored.starts_with("txfn restored: memory 256 MB and its 1 environment variable(s) as found, alias lambda-bench-sweep deleted, versions 2, 3, 4, 5, 6 deleted"),
            "{}",
            swept.restored
        );
        let results = SweepResults::new(
            "sweep".into(),
            swept.function,
            swept.original_memory_mb,
            swept.sizes,
            judging(0.5),
            swept.restored,
        );
        let by_size: Vec<SizeRow> = results
            .sizes
            .iter()
            .map(|s| {
                (
                    s.memory_mb,
                    s.invocations,
                    s.warm_duration_ms.map(|d| d.p50),
                    s.warm_billed_ms,
                    s.cold_billed_ms,
                )
            })
            .collect();
        // Billed Duration: ceil(Duration) warm, ceil(Init + Duration) cold, from the model.
        let expected: Vec<SizeRow> = [
            (128, 282.0, 392.0),
            (256, 144.0, 199.0),
            (512, 75.0, 102.0),
            (1024, 40.0, 54.0),
            (1769, 25.0, 33.0),
        ]
        .into_iter()
        .map(|(mb, warm, cold)| (mb, 4, Some(MODEL.duration(mb)), Some(warm), Some(cold)))
        .collect();
        for (got, want) in by_size.iter().zip(&expected) {
            assert_eq!(got.0, want.0);
            assert_eq!(got.1, want.1);
            assert!(
                (got.2.unwrap() - want.2.unwrap()).abs() < 0.006,
                "{got:?} {want:?}"
            );
            assert_eq!((got.3, got.4), (want.3, want.4), "json_logs {json_logs}");
        }
        // $ per million at 1 % cold starts, arm64 us-east-1 prices.
        let costs: Vec<f64> = results
            .sizes
            .iter()
            .map(|s| s.cost_per_million.unwrap())
            .collect();
        for (got, want) in costs
            .iter()
            .zip([0.671836, 0.681836, 0.701803, 0.735203, 0.777692])
        {
            assert!((got - want).abs() < 1e-6, "{costs:?}");
        }
        // 128 MB is the cheapest but 110 of its 128 MB are used: flagged and left out.
        assert!(results.sizes[0].low_headroom);
        assert!(results.sizes[1..].iter().all(|s| !s.low_headroom));
        let r = &results.recommendation;
        assert_eq!(
            (r.cheapest, r.fastest, r.balanced),
            (Some(256), Some(1769), Some(1769))
        );
        assert_eq!(r.excluded.len(), 1);
        assert_eq!(r.excluded[0].memory_mb, 128);
        // Weighing cost almost alone moves the balanced pick down to 1024 MB:
        // 0.95 × 0.735203/0.681836 + 0.05 × 39.55/25 = 1.104 < 1769's 1.134.
        let r = lambda_bench::tuning::recommend::recommend(&results.sizes, 0.95);
        assert_eq!(r.balanced, Some(1024));
    }
}

#[tokio::test]
async fn an_error_mid_sweep_restores_the_function_then_reports_the_error() {
    // The 6th invocation: the second size's second.
    let fake = Fake::new(true, Some(6));
    let bench = bench(serve(fake.clone()).await).await;
    let err = bench
        .sweep(
            &events(),
            &SIZES,
            "lambda-bench-sweep",
            &Silent,
            std::future::pending(),
        )
        .await
        .unwrap_err();
    let CloudError::SweepStopped { cause, restored } = &err else {
        panic!("{err:?}")
    };
    assert!(
        cause
            .to_string()
            .starts_with("Invoke failed: InvalidRequestContentException: scripted failure"),
        "{cause}"
    );
    assert!(restored.contains("versions 2, 3 deleted"), "{restored}");
    fake.assert_as_found();
    assert_eq!(fake.state.lock().unwrap().memory_updates, [128, 256, 256]);
}

#[tokio::test]
async fn an_interrupt_mid_sweep_restores_the_function() {
    let fake = Fake::new(false, None);
    let bench = bench(serve(fake.clone()).await).await;
    let mut invokes = fake.invokes.subscribe();
    // Ctrl-C as the library sees it: a future that completes, here at the 7th invocation.
    let interrupt = async move {
        let _ = invokes.wait_for(|&n| n >= 7).await;
    };
    let err = bench
        .sweep(&events(), &SIZES, "lambda-bench-sweep", &Silent, interrupt)
        .await
        .unwrap_err();
    let CloudError::Interrupted { restored } = &err else {
        panic!("{err:?}")
    };
    assert!(
        restored.starts_with("txfn restored: memory 256 MB"),
        "{restored}"
    );
    fake.assert_as_found();
}

#[tokio::test]
async fn an_existing_alias_is_refused_before_anything_changes() {
    let fake = Fake::new(false, None);
    let bench = bench(serve(fake.clone()).await).await;
    let err = bench
        .sweep(&events(), &SIZES, "live", &Silent, std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(err, CloudError::Refused(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("alias live of txfn already exists (version 1)"),
        "{err}"
    );
    fake.assert_as_found();
    assert!(fake.state.lock().unwrap().memory_updates.is_empty());
}

/// The AWS CLI against the fake, as a user would run the printed command.
async fn aws_cli(command: &str) -> std::process::Output {
    tokio::process::Command::new("bash")
        .args(["-c", command])
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .output()
        .await
        .expect("bash runs (the AWS CLI comes with scripts/setup.sh)")
}

#[tokio::test]
async fn a_failed_restore_prints_the_commands_that_finish_it() {
    let fake = Fake::new(false, None);
    let addr = serve(fake.clone()).await;
    let bench = bench(addr).await;
    *fake.refuse_delete_alias.lock().unwrap() = true;
    let err = bench
        .sweep(
            &events(),
            &[512, 1024],
            "lambda-bench-sweep",
            &Silent,
            std::future::pending(),
        )
        .await
        .unwrap_err();
    let CloudError::RestoreFailed {
        stopped_by,
        failures,
        commands,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(stopped_by, &None, "the sweep itself finished");
    assert!(
        failures[0].starts_with("DeleteAlias lambda-bench-sweep: AccessDeniedException"),
        "{failures:?}"
    );
    // The alias still points to the last version: that one cannot be deleted yet either.
    let endpoint = format!(" --region us-east-1 --endpoint-url http://{addr}");
    assert_eq!(
        commands,
        &[
            format!(
                "aws lambda delete-alias --function-name txfn --name lambda-bench-sweep{endpoint}"
            ),
            format!("aws lambda delete-function --function-name txfn --qualifier 3{endpoint}"),
        ]
    );
    let text = err.to_string();
    assert!(
        text.contains("run these to restore it by hand:\n  aws lambda delete-alias"),
        "{text}"
    );
    {
        // $LATEST was restored; the rest is the commands' job.
        let s = fake.state.lock().unwrap();
        assert_eq!((s.latest.memory_mb, s.latest.env.len()), (256, 1));
    }
    *fake.refuse_delete_alias.lock().unwrap() = false;
    for command in commands {
        let out = aws_cli(command).await;
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fake.assert_as_found();
}

/// The binary, end to end: table, exports and plot; then a real SIGINT mid-sweep.
mod binary {
    use super::*;

    fn command(addr: SocketAddr, dir: &std::path::Path, extra: &[&str]) -> tokio::process::Command {
        let event = dir.join("seed-3tx.json");
        std::fs::write(&event, br#"{"requestId":"r","transactions":[]}"#).unwrap();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_lambda-bench"));
        cmd.args([
            "cloud",
            "--function",
            FUNCTION,
            "--region",
            "us-east-1",
            "--endpoint-url",
        ])
        .arg(format!("http://{addr}"))
        .arg("-e")
        .arg(&event)
        .args([
            "--cold",
            "1",
            "--runs",
            "3",
            "--memory",
            "128,256,512,1024,1769",
        ])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        cmd
    }

    #[tokio::test]
    async fn sweep_prints_the_table_writes_json_markdown_and_plot() {
        let fake = Fake::new(false, None);
        let addr = serve(fake.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let (json, md, svg) = (
            dir.path().join("s.json"),
            dir.path().join("s.md"),
            dir.path().join("s.svg"),
        );
        let out = command(addr, dir.path(), &["--quiet"])
            .arg("--json")
            .arg(&json)
            .arg("--markdown")
            .arg(&md)
            .arg("--plot")
            .arg(&svg)
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stdout}");
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        fake.assert_as_found();
        for text in [
            "Memory sweep of txfn (was 256 MB) (cold-start share 1 %)",
            "110 MB (86 %) !",
            "cheapest: 256 MB (143.2 ms warm p50, $0.6818 per million)",
            "fastest : 1769 MB (25.00 ms warm p50, $0.7777 per million)",
            "balanced: 1769 MB",
            "not recommended: 128 MB, Max Memory Used 110 MB leaves too little headroom",
            "$0.0000133334 per GB-s",
            "txfn restored: memory 256 MB",
        ] {
            assert!(stdout.contains(text), "missing {text:?} in\n{stdout}");
        }
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(doc["recommendation"]["cheapest"], 256);
        assert_eq!(doc["sizes"].as_array().unwrap().len(), 5);
        assert_eq!(doc["targets"][4]["samples"].as_array().unwrap().len(), 4);
        assert_eq!(doc["judging"]["pricing"]["architecture"], "arm64");
        let md = std::fs::read_to_string(&md).unwrap();
        assert!(md.contains("| 1769 MB | 25.00 ms |"), "{md}");
        let svg = std::fs::read_to_string(&svg).unwrap();
        assert!(svg.contains("1769 MB (fastest) (balanced)"), "plot labels");
    }

    #[tokio::test]
    async fn ctrl_c_mid_sweep_restores_the_function_and_exits_130() {
        let fake = Fake::new(false, None);
        let addr = serve(fake.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let child = command(addr, dir.path(), &[]).spawn().unwrap();
        let pid = child.id().unwrap() as libc::pid_t;
        let mut invokes = fake.invokes.subscribe();
        tokio::time::timeout(Duration::from_secs(60), invokes.wait_for(|&n| n >= 6))
            .await
            .expect("the sweep invokes")
            .unwrap();
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let out = child.wait_with_output().await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{stderr}");
        assert!(
            stderr.contains("interrupted; txfn restored: memory 256 MB"),
            "{stderr}"
        );
        fake.assert_as_found();
        assert!(
            fake.state.lock().unwrap().memory_updates.len() < 6,
            "stopped early"
        );
    }
}
