//! An in-process implementation of the Lambda Runtime API (2018-06-01) on `127.0.0.1`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use lambda_bench::runtime_api::{RuntimeApi, ApiInit};
//!
//! let api = RuntimeApi::start().await?;
//! // ... spawn a runtime with AWS_LAMBDA_RUNTIME_API = api.addr() ...
//! if let ApiInit::Ready { .. } = api.wait_ready(Duration::from_secs(10)).await {
//!     let invocation = api.invoke(&b"{}"[..], Duration::from_secs(3)).await;
//!     println!("{} in {:?}", invocation.outcome.label(), invocation.duration);
//! }
//! # Ok(()) }
//! ```
//!
//! Endpoints: `GET /invocation/next` (long-poll; answers with the event and the
//! `Lambda-Runtime-*` headers), `POST /invocation/{id}/response`, `POST /invocation/{id}/error`
//! and `POST /init/error`. Connections are kept alive. Faults can be injected with
//! [`RuntimeApi::inject`] and the server stopped abruptly with [`RuntimeApi::stop`].

mod faults;
mod protocol;
mod server;
mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Anomaly, AnomalyKind, Fault};
pub use protocol::{
    HEADER_DEADLINE_MS, HEADER_ERROR_TYPE, HEADER_FUNCTION_ARN, HEADER_REQUEST_ID, HEADER_TRACE_ID,
};
pub use state::ApiStats;

use crate::invocation::{FunctionError, Invocation, Outcome};
use state::{Event, Shared};

/// Lambda's limit for a synchronous response payload.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// Identity the API reports to the runtime (it shows up in the invoked function ARN).
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub function_name: String,
    pub region: String,
    pub account_id: String,
    /// Bodies posted to `/response` beyond this size are refused with 413 and reported as
    /// `Function.ResponseSizeTooLarge`.
    pub max_response_bytes: usize,
    /// The time since the Unix epoch the API reports (deadline header, trace id) instead of the
    /// real clock: `lambda-bench count` fixes it, so the bytes a runtime parses do not depend on
    /// when it ran.
    pub fixed_epoch: Option<Duration>,
    /// Answers to pipelined requests go out together when the later one is ready at once (hyper's
    /// `pipeline_flush`): `count` sets it so that a runtime that pipelines its next poll behind
    /// its result post reads both answers in one read every time. Off elsewhere: a connection
    /// dropped by an injected fault would take the earlier answer, still unflushed, with it.
    pub flush_pipelined_together: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            function_name: crate::process::DEFAULT_FUNCTION_NAME.to_owned(),
            region: crate::process::DEFAULT_REGION.to_owned(),
            account_id: "000000000000".to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            fixed_epoch: None,
            flush_pipelined_together: false,
        }
    }
}

/// How the init phase ended, as seen from the API.
#[derive(Debug, Clone)]
pub enum ApiInit {
    /// The runtime asked for its first event at `at` (Lambda's end of Init Duration).
    Ready { at: Instant },
    /// The runtime posted to `/init/error` at `at`.
    InitError { at: Instant, error: FunctionError },
    /// Neither happened in time.
    Timeout,
}

/// A running Runtime API server. Dropping it stops the server and closes every connection.
pub struct RuntimeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: Mutex<Option<JoinHandle<()>>>,
}

impl RuntimeApi {
    /// Starts the API on `127.0.0.1` at a free port with the default identity.
    pub async fn start() -> std::io::Result<RuntimeApi> {
        RuntimeApi::start_with(ApiConfig::default()).await
    }

    /// Starts the API on `127.0.0.1` at a free port.
    pub async fn start_with(config: ApiConfig) -> std::io::Result<RuntimeApi> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let accept_task = tokio::spawn(server::accept_loop(listener, shared.clone()));
        Ok(RuntimeApi {
            addr,
            shared,
            accept_task: Mutex::new(Some(accept_task)),
        })
    }

    /// The listening address; `AWS_LAMBDA_RUNTIME_API` is this as `host:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the end of the init phase: the first `GET /next`, or an `/init/error`.
    pub async fn wait_ready(&self, timeout: Duration) -> ApiInit {
        let mut lifecycle = self.shared.lifecycle.subscribe();
        let waited = tokio::time::timeout(
            timeout,
            lifecycle.wait_for(|l| l.first_next.is_some() || l.init_error.is_some()),
        )
        .await;
        match waited {
            Ok(Ok(l)) => match (&l.init_error, l.first_next) {
                (Some((at, error)), _) => ApiInit::InitError {
                    at: *at,
                    error: error.clone(),
                },
                (None, Some(at)) => ApiInit::Ready { at },
                (None, None) => ApiInit::Timeout,
            },
            _ => ApiInit::Timeout,
        }
    }

    /// Queues an event and waits for its result. `timeout` runs from when the event is handed
    /// out (like a Lambda function timeout); if the runtime does not ask for it within
    /// `timeout` either, the invocation is given up as [`Outcome::Timeout`]. Several calls
    /// may run concurrently; events are handed out in call order.
    pub async fn invoke(&self, payload: impl Into<Bytes>, timeout: Duration) -> Invocation {
        self.invoke_as(new_request_id(), payload.into(), timeout)
            .await
    }

    /// [`RuntimeApi::invoke`] with a caller-chosen request id. Dropping the future gives the
    /// invocation up (a result posted later gets 400, as for any unknown id).
    pub(crate) async fn invoke_as(
        &self,
        request_id: String,
        payload: Bytes,
        timeout: Duration,
    ) -> Invocation {
        let (done_tx, mut done_rx) = oneshot::channel();
        self.shared.register(request_id.clone(), done_tx);
        let _guard = GiveUpOnDrop {
            shared: &self.shared,
            request_id: request_id.clone(),
        };
        let event = Event {
            request_id: request_id.clone(),
            payload,
            timeout,
        };
        // The receiver lives in `shared` as long as we do, so this cannot fail.
        let _ = self.shared.events_tx.send(event);

        let mut deadline = Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline.into(), &mut done_rx).await {
                Ok(Ok(done)) => return completed(request_id, done),
                Ok(Err(_)) => break, // sender dropped: only on a bug; treat as timeout
                Err(_) => {
                    // The clock started at the call; move it to the hand-out if that came later.
                    if let Some(delivered) = self.shared.delivered_at(&request_id) {
                        if delivered + timeout > deadline {
                            deadline = delivered + timeout;
                            continue;
                        }
                    }
                    break;
                }
            }
        }
        match self.shared.cancel(&request_id) {
            Some(delivered_at) => Invocation {
                request_id,
                outcome: Outcome::Timeout,
                duration: delivered_at.map(|d| d.elapsed()).unwrap_or_default(),
                delivered_at,
            },
            // Completed between the timer firing and the cancel: take the result after all.
            None => match done_rx.try_recv() {
                Ok(done) => completed(request_id, done),
                Err(_) => Invocation {
                    request_id,
                    outcome: Outcome::Timeout,
                    duration: Duration::ZERO,
                    delivered_at: None,
                },
            },
        }
    }

    /// When the event of a pending invocation was handed out, if it was.
    pub(crate) fn delivered_at(&self, request_id: &str) -> Option<Instant> {
        self.shared.delivered_at(request_id)
    }

    /// Queues a fault, consumed by the next request it applies to.
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(fault);
    }

    /// Stops listening and closes every open connection at once (in-flight long-polls get a
    /// reset, not an answer). Pending [`RuntimeApi::invoke`] calls end by their timeout.
    pub fn stop(&self) {
        let task = self
            .accept_task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }

    /// Waits until `wanted` `GET /next` polls are open at once (a runtime serving that many
    /// invocations concurrently has started all its workers), or `timeout` passes. Returns the
    /// most that were open at once so far, so a shortfall can be reported as "opened k of n".
    pub async fn wait_polls_open(&self, wanted: u64, timeout: Duration) -> u64 {
        let counters = &self.shared.counters;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before the check, so a poll opening in between is not missed.
            let opened = counters.poll_opened.notified();
            tokio::pin!(opened);
            opened.as_mut().enable();
            if counters.polls_open.load(Ordering::Relaxed) >= wanted {
                break;
            }
            if tokio::time::timeout_at(deadline, opened).await.is_err() {
                break;
            }
        }
        counters.polls_open_max.load(Ordering::Relaxed)
    }

    /// Request counters so far.
    pub fn stats(&self) -> ApiStats {
        self.shared.stats()
    }

    /// Everything the runtime sent that the API refused or could not parse, oldest first.
    pub fn anomalies(&self) -> Vec<Anomaly> {
        self.shared.anomalies()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A fresh `Lambda-Runtime-Aws-Request-Id` (a UUID, like Lambda's).
pub(crate) fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Removes an invocation from the books when its `invoke` future is dropped early.
struct GiveUpOnDrop<'a> {
    shared: &'a Shared,
    request_id: String,
}

impl Drop for GiveUpOnDrop<'_> {
    fn drop(&mut self) {
        self.shared.cancel(&self.request_id);
    }
}

fn completed(request_id: String, done: state::Completed) -> Invocation {
    Invocation {
        request_id,
        outcome: done.outcome,
        duration: done.at.saturating_duration_since(done.delivered_at),
        delivered_at: Some(done.delivered_at),
    }
}
