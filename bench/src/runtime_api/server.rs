//! The HTTP side: a hyper 1 HTTP/1.1 server (keep-alive on) that routes Runtime API requests
//! into [`Shared`]. One task accepts; one task per connection serves it.

use std::error::Error as _;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::faults::{AnomalyKind, Fault, InjectedDrop};
use super::protocol::{self, Route};
use super::state::Shared;
use crate::invocation::{FunctionError, Outcome};

type Reply = Result<Response<Full<Bytes>>, InjectedDrop>;

/// Accepts connections until the task is aborted; aborting drops the [`JoinSet`], which aborts
/// every connection task and so closes every socket (the "stop" fault and `Drop`).
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                shared.counters.connections.fetch_add(1, Ordering::Relaxed);
                connections.spawn(serve_connection(stream, shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let service = {
        let shared = shared.clone();
        service_fn(move |req| handle(shared.clone(), req))
    };
    let result = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .pipeline_flush(shared.config.flush_pipelined_together)
        // An event goes out as head + body in one `writev`: hyper's guess flattened them, a copy
        // of every event (1 MB at 20,000 transactions) on the vCPUs the bootstrap is measured on.
        .writev(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(err) = result {
        // Only bytes that are not HTTP count: a connection closed mid-long-poll is what every
        // killed process does, and an injected drop is ours.
        let injected = err.source().is_some_and(|s| s.is::<InjectedDrop>());
        if !injected && (err.is_parse() || err.is_parse_too_large()) {
            shared.anomaly(AnomalyKind::BadRequest, err.to_string());
        }
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Reply {
    let arrived = Instant::now();
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let route = Route::parse(req.method(), req.uri().path());
    match route {
        Route::Next => next(&shared, arrived).await,
        Route::Response(id) => result(&shared, req, id, false).await,
        Route::Error(id) => result(&shared, req, id, true).await,
        Route::InitError => init_error(&shared, req).await,
        Route::MethodNotAllowed => {
            let detail = format!("{} {}", req.method(), req.uri().path());
            shared.anomaly(AnomalyKind::WrongMethod, detail.clone());
            Ok(error_reply(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                &detail,
            ))
        }
        Route::NotFound => {
            let detail = format!("{} {}", req.method(), req.uri());
            shared.anomaly(AnomalyKind::UnknownRoute, detail.clone());
            Ok(error_reply(StatusCode::NOT_FOUND, "NotFound", &detail))
        }
    }
}

async fn next(shared: &Shared, arrived: Instant) -> Reply {
    let number = shared
        .counters
        .next_requests
        .fetch_add(1, Ordering::Relaxed)
        + 1;
    shared.note_next(arrived);
    match shared.take_fault(Some(number)) {
        Some(Fault::NextStatus(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(error_reply(
                status,
                "InjectedFault",
                "injected fault on /next",
            ));
        }
        Some(Fault::NextDrop | Fault::NextDropFrom(_)) => return Err(InjectedDrop),
        Some(Fault::NextDelay(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    let _waiting = shared.counters.open_poll();
    loop {
        let event = {
            let mut queue = shared.events_rx.lock().await;
            queue.recv().await
        };
        // The sender lives in `shared`, so the queue never closes while a handler runs.
        let Some(event) = event else {
            return Err(InjectedDrop);
        };
        let now = Instant::now();
        if !shared.mark_delivered(&event.request_id, now) {
            continue; // given up by its caller before anyone asked for it
        }
        let epoch = shared.config.fixed_epoch.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
        });
        let deadline_ms = (epoch + event.timeout).as_millis();
        let cfg = &shared.config;
        let arn = format!(
            "arn:aws:lambda:{}:{}:function:{}",
            cfg.region, cfg.account_id, cfg.function_name
        );
        let mut response = Response::new(Full::new(event.payload));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let values = [
            (protocol::HEADER_REQUEST_ID, event.request_id.clone()),
            (protocol::HEADER_DEADLINE_MS, deadline_ms.to_string()),
            (protocol::HEADER_FUNCTION_ARN, arn),
            (
                protocol::HEADER_TRACE_ID,
                protocol::trace_id(epoch.as_secs(), &event.request_id),
            ),
        ];
        for (name, value) in values {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        return Ok(response);
    }
}

async fn result(shared: &Shared, req: Request<Incoming>, id: String, is_error: bool) -> Reply {
    match shared.take_fault(None) {
        Some(Fault::RejectResult(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(error_reply(
                status,
                "InjectedFault",
                "injected fault on result post",
            ));
        }
        Some(Fault::DropResult) => return Err(InjectedDrop),
        _ => {}
    }
    let header = req
        .headers()
        .get(protocol::HEADER_ERROR_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let limit = shared.config.max_response_bytes;
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => {
            let at = Instant::now();
            let message = format!(
                "Response payload size exceeded maximum allowed payload size ({limit} bytes)."
            );
            shared.anomaly(
                AnomalyKind::ResponseTooLarge,
                format!("invocation {id}: {message}"),
            );
            let error = FunctionError {
                error_type: "Function.ResponseSizeTooLarge".into(),
                error_message: message.clone(),
                error_type_header: header,
                raw: Bytes::new(),
            };
            shared.complete(&id, Outcome::FunctionError(error), at);
            return Ok(error_reply(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                &message,
            ));
        }
        Err(err) => {
            shared.anomaly(
                AnomalyKind::BadRequest,
                format!("invocation {id}: body: {err}"),
            );
            return Ok(error_reply(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "unreadable body",
            ));
        }
    };
    let at = Instant::now();
    let outcome = if is_error {
        Outcome::FunctionError(protocol::parse_function_error(header.as_deref(), body))
    } else {
        Outcome::Response(body)
    };
    if shared.complete(&id, outcome, at) {
        Ok(accepted())
    } else {
        let detail = format!("invocation {id} is not in flight");
        shared.anomaly(AnomalyKind::UnknownRequestId, detail.clone());
        Ok(error_reply(
            StatusCode::BAD_REQUEST,
            "InvalidRequestID",
            &detail,
        ))
    }
}

async fn init_error(shared: &Shared, req: Request<Incoming>) -> Reply {
    let at = Instant::now();
    let header = req
        .headers()
        .get(protocol::HEADER_ERROR_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let limit = shared.config.max_response_bytes;
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => {
            shared.anomaly(AnomalyKind::BadRequest, format!("init error body: {err}"));
            return Ok(error_reply(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "unreadable body",
            ));
        }
    };
    let error = protocol::parse_function_error(header.as_deref(), body);
    if shared.note_init_error(at, error.clone()) {
        Ok(accepted())
    } else {
        shared.anomaly(AnomalyKind::LateInitError, error.to_string());
        Ok(error_reply(
            StatusCode::FORBIDDEN,
            "InvalidStateTransition",
            "init already ended",
        ))
    }
}

fn accepted() -> Response<Full<Bytes>> {
    json_reply(
        StatusCode::ACCEPTED,
        Bytes::from_static(br#"{"status":"OK"}"#),
    )
}

fn error_reply(status: StatusCode, error_type: &str, message: &str) -> Response<Full<Bytes>> {
    json_reply(status, protocol::api_error_body(error_type, message))
}

fn json_reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
