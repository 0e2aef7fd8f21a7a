//! The Runtime API server spoken to by a real HTTP client (hyper's), over one connection where
//! the protocol allows it, so keep-alive is exercised, not assumed.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use lambda_bench::runtime_api::{AnomalyKind, ApiConfig, ApiInit, Fault, RuntimeApi};
use lambda_bench::Outcome;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

async fn connect(api: &RuntimeApi) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(api.addr()).await.unwrap();
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    sender
}

struct Answer {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: Bytes,
}

async fn send(
    client: &mut SendRequest<Full<Bytes>>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> hyper::Result<Answer> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(Bytes::copy_from_slice(body))).unwrap();
    client.ready().await?;
    let resp = client.send_request(req).await?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// One invocation served over `client`: the runtime takes the event and posts `body`.
async fn serve_one(
    api: &RuntimeApi,
    client: &mut SendRequest<Full<Bytes>>,
    body: &'static [u8],
) -> Outcome {
    let invoke = api.invoke(&b"{}"[..], Duration::from_secs(2));
    let runtime = async {
        let event = send(client, "GET", NEXT, &[], b"").await.unwrap();
        let path = format!(
            "/2018-06-01/runtime/invocation/{}/response",
            request_id(&event)
        );
        send(client, "POST", &path, &[], body).await.unwrap();
    };
    let (out, ()) = tokio::join!(invoke, runtime);
    out.outcome
}

fn request_id(answer: &Answer) -> String {
    answer.headers["lambda-runtime-aws-request-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn serves_a_runtime_loop_over_one_keep_alive_connection() {
    let api = RuntimeApi::start().await.unwrap();
    assert!(api.addr().ip().is_loopback());
    let mut client = connect(&api).await;
    let runtime = tokio::spawn(async move {
        for _ in 0..5 {
            let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
            assert_eq!(event.status, StatusCode::OK);
            let id = request_id(&event);
            let mut reply = b"echo:".to_vec();
            reply.extend_from_slice(&event.body);
            let path = format!("/2018-06-01/runtime/invocation/{id}/response");
            let ack = send(&mut client, "POST", &path, &[], &reply).await.unwrap();
            assert_eq!(ack.status, StatusCode::ACCEPTED);
        }
    });
    assert!(matches!(
        api.wait_ready(Duration::from_secs(5)).await,
        ApiInit::Ready { .. }
    ));
    for i in 0..5 {
        let payload = format!("{{\"n\":{i}}}");
        let out = api.invoke(payload.clone(), Duration::from_secs(5)).await;
        assert_eq!(
            out.outcome,
            Outcome::Response(Bytes::from(format!("echo:{payload}")))
        );
        assert!(out.delivered_at.is_some());
        assert!(out.duration < Duration::from_secs(1));
        assert_eq!(out.request_id.len(), 36);
    }
    runtime.await.unwrap();
    let stats = api.stats();
    assert_eq!(stats.connections, 1, "{stats:?}");
    assert_eq!(stats.requests, 10, "{stats:?}");
    assert_eq!(stats.next_requests, 5);
    assert_eq!(stats.results, 5);
    assert!(api.anomalies().is_empty(), "{:?}", api.anomalies());
}

#[tokio::test]
async fn next_carries_lambda_headers() {
    let config = ApiConfig {
        function_name: "txfn".into(),
        region: "eu-west-1".into(),
        ..ApiConfig::default()
    };
    let api = RuntimeApi::start_with(config).await.unwrap();
    let mut client = connect(&api).await;
    let invoke = api.invoke(&b"{}"[..], Duration::from_secs(2));
    let next = async {
        let before_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        let deadline: u128 = event.headers["lambda-runtime-deadline-ms"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            deadline >= before_ms + 1900 && deadline <= before_ms + 2500,
            "{deadline} vs {before_ms}"
        );
        assert_eq!(
            event.headers["lambda-runtime-invoked-function-arn"],
            "arn:aws:lambda:eu-west-1:000000000000:function:txfn"
        );
        assert!(event.headers["lambda-runtime-trace-id"]
            .to_str()
            .unwrap()
            .starts_with("Root=1-"));
        assert_eq!(event.headers["content-type"], "application/json");
        assert_eq!(&event.body[..], b"{}");
        let id = request_id(&event);
        let path = format!("/2018-06-01/runtime/invocation/{id}/response");
        send(&mut client, "POST", &path, &[], b"ok").await.unwrap();
    };
    let (out, ()) = tokio::join!(invoke, next);
    assert_eq!(out.outcome, Outcome::Response(Bytes::from_static(b"ok")));
}

#[tokio::test]
async fn error_post_becomes_function_error() {
    let api = RuntimeApi::start().await.unwrap();
    let mut client = connect(&api).await;
    let invoke = api.invoke(&b"{}"[..], Duration::from_secs(2));
    let runtime = async {
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        let path = format!(
            "/2018-06-01/runtime/invocation/{}/error",
            request_id(&event)
        );
        let body = br#"{"errorType":"InvalidPayload","errorMessage":"transactions[3].amount: not a number"}"#;
        let ack = send(
            &mut client,
            "POST",
            &path,
            &[("Lambda-Runtime-Function-Error-Type", "Runtime.Handled")],
            body,
        )
        .await
        .unwrap();
        assert_eq!(ack.status, StatusCode::ACCEPTED);
    };
    let (out, ()) = tokio::join!(invoke, runtime);
    let Outcome::FunctionError(e) = out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(e.error_type, "InvalidPayload");
    assert_eq!(e.error_message, "transactions[3].amount: not a number");
    assert_eq!(e.error_type_header.as_deref(), Some("Runtime.Handled"));
}

#[tokio::test]
async fn init_error_ends_init() {
    let api = RuntimeApi::start().await.unwrap();
    let mut client = connect(&api).await;
    let body = br#"{"errorType":"Runtime.ConfigError","errorMessage":"no table"}"#;
    let ack = send(
        &mut client,
        "POST",
        "/2018-06-01/runtime/init/error",
        &[],
        body,
    )
    .await
    .unwrap();
    assert_eq!(ack.status, StatusCode::ACCEPTED);
    match api.wait_ready(Duration::from_secs(1)).await {
        ApiInit::InitError { error, .. } => {
            assert_eq!(error.error_type, "Runtime.ConfigError");
            assert_eq!(error.error_message, "no table");
        }
        other => panic!("{other:?}"),
    }
    // A second one is refused and recorded.
    let again = send(
        &mut client,
        "POST",
        "/2018-06-01/runtime/init/error",
        &[],
        body,
    )
    .await
    .unwrap();
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(api.anomalies()[0].kind, AnomalyKind::LateInitError);
}

#[tokio::test]
async fn refuses_what_is_not_the_protocol() {
    let api = RuntimeApi::start().await.unwrap();
    let mut client = connect(&api).await;
    let unknown_id = send(
        &mut client,
        "POST",
        "/2018-06-01/runtime/invocation/nope/response",
        &[],
        b"{}",
    )
    .await
    .unwrap();
    assert_eq!(unknown_id.status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&unknown_id.body).contains("InvalidRequestID"));
    let wrong_method = send(&mut client, "POST", NEXT, &[], b"").await.unwrap();
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    let unknown_route = send(
        &mut client,
        "GET",
        "/2018-06-01/runtime/invocation/x/y/z",
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(unknown_route.status, StatusCode::NOT_FOUND);
    // Still one connection: refusals do not close it.
    assert_eq!(api.stats().connections, 1);
    let kinds: Vec<_> = api.anomalies().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AnomalyKind::UnknownRequestId,
            AnomalyKind::WrongMethod,
            AnomalyKind::UnknownRoute
        ]
    );

    // Bytes that are not HTTP are recorded too.
    let mut raw = TcpStream::connect(api.addr()).await.unwrap();
    raw.write_all(b"\x00\x01\x02 GARBAGE\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    while !api
        .anomalies()
        .iter()
        .any(|a| a.kind == AnomalyKind::BadRequest)
    {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            api.anomalies()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn times_out_whether_or_not_the_event_was_taken() {
    let api = RuntimeApi::start().await.unwrap();
    // Nobody polls.
    let started = Instant::now();
    let out = api.invoke(&b"{}"[..], Duration::from_millis(100)).await;
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(out.delivered_at.is_none());
    assert!(started.elapsed() >= Duration::from_millis(100));

    // Polled, never answered: the timeout counts from the hand-out.
    let mut client = connect(&api).await;
    let invoke = api.invoke(&b"{}"[..], Duration::from_millis(300));
    let runtime = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        event
    };
    let (out, event) = tokio::join!(invoke, runtime);
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(out.delivered_at.is_some());
    assert!(
        out.duration >= Duration::from_millis(300) && out.duration < Duration::from_millis(600),
        "{:?}",
        out.duration
    );
    // The timed-out id is no longer accepted.
    let path = format!(
        "/2018-06-01/runtime/invocation/{}/response",
        request_id(&event)
    );
    let late = send(&mut client, "POST", &path, &[], b"late")
        .await
        .unwrap();
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn next_drop_from_n_closes_that_get_and_every_retry() {
    let api = RuntimeApi::start().await.unwrap();
    api.inject(Fault::NextDropFrom(2));
    let mut client = connect(&api).await;
    let outcome = serve_one(&api, &mut client, b"ok").await;
    assert_eq!(outcome, Outcome::Response(Bytes::from_static(b"ok")));
    // The second GET, and a retry on a new connection, are both closed unanswered.
    assert!(send(&mut client, "GET", NEXT, &[], b"").await.is_err());
    let mut retry = connect(&api).await;
    assert!(send(&mut retry, "GET", NEXT, &[], b"").await.is_err());
    assert_eq!(api.stats().next_requests, 3);
}

#[tokio::test]
async fn injected_faults_on_next() {
    let api = RuntimeApi::start().await.unwrap();
    api.inject(Fault::NextStatus(500));
    api.inject(Fault::NextDrop);
    let mut client = connect(&api).await;
    let failed = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    // Dropped: the connection closes without an answer.
    assert!(send(&mut client, "GET", NEXT, &[], b"").await.is_err());
    // A new connection works; the faults are used up.
    let mut client = connect(&api).await;
    let outcome = serve_one(&api, &mut client, b"fine").await;
    assert_eq!(outcome, Outcome::Response(Bytes::from_static(b"fine")));
    assert!(api.anomalies().is_empty(), "{:?}", api.anomalies());
    assert_eq!(api.stats().connections, 2);
}

#[tokio::test]
async fn injected_faults_on_results() {
    let api = RuntimeApi::start().await.unwrap();
    api.inject(Fault::RejectResult(503));
    let mut client = connect(&api).await;
    let invoke = api.invoke(&b"{}"[..], Duration::from_secs(2));
    let runtime = async {
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        let path = format!(
            "/2018-06-01/runtime/invocation/{}/response",
            request_id(&event)
        );
        let refused = send(&mut client, "POST", &path, &[], b"first")
            .await
            .unwrap();
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        // The invocation is still in flight: a retry is accepted.
        let ack = send(&mut client, "POST", &path, &[], b"second")
            .await
            .unwrap();
        assert_eq!(ack.status, StatusCode::ACCEPTED);
    };
    let (out, ()) = tokio::join!(invoke, runtime);
    assert_eq!(
        out.outcome,
        Outcome::Response(Bytes::from_static(b"second"))
    );

    api.inject(Fault::DropResult);
    let invoke = api.invoke(&b"{}"[..], Duration::from_millis(300));
    let runtime = async {
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        let path = format!(
            "/2018-06-01/runtime/invocation/{}/response",
            request_id(&event)
        );
        assert!(send(&mut client, "POST", &path, &[], b"lost")
            .await
            .is_err());
    };
    let (out, ()) = tokio::join!(invoke, runtime);
    assert_eq!(out.outcome, Outcome::Timeout);
}

#[tokio::test]
async fn oversized_response_is_refused_like_lambda() {
    let config = ApiConfig {
        max_response_bytes: 1024,
        ..ApiConfig::default()
    };
    let api = RuntimeApi::start_with(config).await.unwrap();
    let mut client = connect(&api).await;
    let invoke = api.invoke(&b"{}"[..], Duration::from_secs(2));
    let runtime = async {
        let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
        let path = format!(
            "/2018-06-01/runtime/invocation/{}/response",
            request_id(&event)
        );
        let answer = send(&mut client, "POST", &path, &[], &[b'x'; 4096]).await;
        // hyper may close the connection before the whole body is sent; both are fine.
        if let Ok(answer) = answer {
            assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        }
    };
    let (out, ()) = tokio::join!(invoke, runtime);
    let Outcome::FunctionError(e) = out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(e.error_type, "Function.ResponseSizeTooLarge");
    assert_eq!(api.anomalies()[0].kind, AnomalyKind::ResponseTooLarge);
}

#[tokio::test]
async fn queued_invocations_are_handed_out_in_order() {
    let api = RuntimeApi::start().await.unwrap();
    let mut client = connect(&api).await;
    let a = api.invoke(&b"\"a\""[..], Duration::from_secs(2));
    let b = api.invoke(&b"\"b\""[..], Duration::from_secs(2));
    let runtime = async {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
            seen.push(event.body.clone());
            let path = format!(
                "/2018-06-01/runtime/invocation/{}/response",
                request_id(&event)
            );
            send(&mut client, "POST", &path, &[], &event.body)
                .await
                .unwrap();
        }
        seen
    };
    let (a, b, seen) = tokio::join!(a, b, runtime);
    assert_eq!(
        seen,
        [Bytes::from_static(b"\"a\""), Bytes::from_static(b"\"b\"")]
    );
    assert_eq!(a.outcome, Outcome::Response(Bytes::from_static(b"\"a\"")));
    assert_eq!(b.outcome, Outcome::Response(Bytes::from_static(b"\"b\"")));
}

#[tokio::test]
async fn stop_closes_connections_and_the_port() {
    let api = RuntimeApi::start().await.unwrap();
    let mut client = connect(&api).await;
    let waiting = tokio::spawn(async move {
        send(&mut client, "GET", NEXT, &[], b"")
            .await
            .map(|a| a.status)
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    api.stop();
    let result = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .unwrap()
        .unwrap();
    assert!(result.is_err(), "{result:?}");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(TcpStream::connect(api.addr()).await.is_err());
}

/// N workers, each on its own connection, as a Lambda Managed Instances runtime polls: every
/// one gets its own event, answers go back under the id each was handed, and the gauge saw N
/// polls open at once.
#[tokio::test]
async fn concurrent_pollers_each_get_their_own_event() {
    const WORKERS: usize = 4;
    const ROUNDS: usize = 3;
    let api = std::sync::Arc::new(RuntimeApi::start().await.unwrap());
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let mut client = connect(&api).await;
        workers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..ROUNDS {
                let event = send(&mut client, "GET", NEXT, &[], b"").await.unwrap();
                let id = request_id(&event);
                // Answer with the event and the id it came under, so the caller can check both.
                let reply = format!(
                    r#"{{"id":"{id}","event":{},"worker":{worker}}}"#,
                    String::from_utf8_lossy(&event.body)
                );
                let path = format!("/2018-06-01/runtime/invocation/{id}/response");
                let ack = send(&mut client, "POST", &path, &[], reply.as_bytes())
                    .await
                    .unwrap();
                assert_eq!(ack.status, StatusCode::ACCEPTED);
                seen.push(String::from_utf8_lossy(&event.body).into_owned());
            }
            seen
        }));
    }
    // Nothing is released until all N polls are open.
    assert_eq!(
        api.wait_polls_open(WORKERS as u64, Duration::from_secs(5))
            .await,
        WORKERS as u64
    );
    assert_eq!(api.stats().polls_open, WORKERS as u64);

    let invocations: Vec<_> = (0..WORKERS * ROUNDS)
        .map(|n| {
            let api = api.clone();
            tokio::spawn(async move {
                let payload = format!(r#"{{"n":{n}}}"#);
                (
                    payload.clone(),
                    api.invoke(payload, Duration::from_secs(5)).await,
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for invocation in invocations {
        let (payload, out) = invocation.await.unwrap();
        let Outcome::Response(body) = &out.outcome else {
            panic!("{payload}: {:?}", out.outcome)
        };
        let answer: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(
            answer["id"],
            out.request_id.as_str(),
            "answer under its own id"
        );
        assert_eq!(
            answer["event"].to_string(),
            payload,
            "the event it was sent"
        );
        answers.push(answer["worker"].as_u64().unwrap());
    }
    let mut handed_out: Vec<String> = Vec::new();
    for worker in workers {
        handed_out.extend(worker.await.unwrap());
    }
    handed_out.sort();
    handed_out.dedup();
    assert_eq!(
        handed_out.len(),
        WORKERS * ROUNDS,
        "each event exactly once"
    );
    for worker in 0..WORKERS as u64 {
        assert_eq!(answers.iter().filter(|&&w| w == worker).count(), ROUNDS);
    }
    let stats = api.stats();
    assert_eq!(stats.polls_open_max, WORKERS as u64, "{stats:?}");
    assert_eq!(stats.connections, WORKERS as u64);
    assert_eq!(stats.results, (WORKERS * ROUNDS) as u64);
}

#[tokio::test]
async fn wait_polls_open_reports_a_shortfall_and_closed_polls_leave_the_gauge() {
    let api = RuntimeApi::start().await.unwrap();
    let mut stream = TcpStream::connect(api.addr()).await.unwrap();
    let request = format!("GET {NEXT} HTTP/1.1\r\nhost: localhost\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        api.wait_polls_open(3, Duration::from_millis(300)).await,
        1,
        "one poll of three"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(api.stats().polls_open, 1);
    // A poll whose connection closes (its process died) is no longer open.
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(5);
    while api.stats().polls_open != 0 {
        assert!(Instant::now() < deadline, "{:?}", api.stats());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(api.stats().polls_open_max, 1);
}
