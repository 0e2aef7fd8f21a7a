//! The runtime: workers that each take an invocation from the Runtime API, handle it and answer,
//! over and over. The event body goes from the socket into the worker's reused buffer and from
//! there to simd-json, skipping the `serde_json` pass that `lambda_runtime::run` forces on every
//! payload (docs/design.md).
//!
//! One worker on the main thread's current-thread runtime serves per-request Lambda: no other
//! thread, no synchronisation. Under Lambda Managed Instances ([`concurrency`]) N workers run on
//! T threads, each thread its own current-thread runtime: a worker owns its connection,
//! processor and buffers, so nothing on the hot path is shared or locked.
//!
//! Failure policy, as Lambda expects from a custom runtime: bad *input* is answered (an error
//! document or an HTTP 4xx) and the worker goes on; a Runtime API that cannot be reached or
//! that answers `next` with an error ends the whole process with a non-zero status, whichever
//! worker saw it, and the platform starts a fresh one. A bad event in one worker touches no
//! other: workers share nothing but the process.
//!
//! [`concurrency`]: crate::function::concurrency

use std::sync::Mutex;
use std::time::SystemTime;

use crate::function::concurrency::Concurrency;
use crate::function::logging::{Level, Logger};
use crate::function::processor::{trim_buffer, Processor, Reply};
use crate::function::response::write_function_error;
pub use crate::function::runtime_api::RuntimeError;
use crate::function::runtime_api::{fail, Connection, Endpoint, Then};

/// One invocation at a time: a connection, a processor and the buffers they reuse.
pub struct Worker {
    api: Connection,
    processor: Processor,
    logger: Logger,
    event: Vec<u8>,
    error_document: Vec<u8>,
}

impl Worker {
    pub fn new(endpoint: Endpoint, logger: Logger) -> Worker {
        Worker {
            api: Connection::new(endpoint),
            processor: Processor::new(),
            logger,
            event: Vec::new(),
            error_document: Vec::new(),
        }
    }

    /// Serves invocations until the Runtime API fails.
    pub async fn run(&mut self) -> Result<(), RuntimeError> {
        loop {
            self.serve_one().await?;
        }
    }

    /// Fetches, handles and answers one invocation.
    pub async fn serve_one(&mut self) -> Result<(), RuntimeError> {
        let Worker {
            api,
            processor,
            logger,
            event,
            error_document,
        } = self;
        let invocation = api.next(event).await?;
        let id = invocation.request_id.as_str();
        // Per-request Lambda stops a function at its deadline; Managed Instances do not, so
        // the function keeps to it itself: an event that arrives late is not worked on.
        if invocation.deadline.is_some_and(|d| SystemTime::now() > d) {
            logger.log(
                Level::Warn,
                Some(id),
                "event received past its deadline",
                &[],
            );
            let failure = Failure {
                error_type: "DeadlineExceeded",
                message: "the invocation deadline had passed when the event arrived",
            };
            return post_error(api, logger, error_document, id, failure, Then::Next).await;
        }
        if logger.enabled(Level::Debug) {
            let text = String::from_utf8_lossy(event);
            logger.log(Level::Debug, Some(id), "event", &[("event", &text)]);
        }
        let answered = match processor.handle(event, SystemTime::now()) {
            // The answer is posted straight from the processor's buffer.
            Reply::Response(body) => post_response(api, logger, error_document, id, body).await,
            Reply::Failure(err) => {
                let error_type = err.code.error_type();
                logger.log(
                    Level::Warn,
                    Some(id),
                    "invalid input",
                    &[("errorType", error_type), ("error", &err.message)],
                );
                let failure = Failure {
                    error_type,
                    message: &err.message,
                };
                post_error(api, logger, error_document, id, failure, Then::Next).await
            }
        };
        // Big events must not pin their memory for the life of the process once they stop.
        // mimalloc's collect works on the calling thread's heap: each worker's thread gives
        // back its own.
        if processor.trim_due() && (processor.trim() | trim_buffer(event)) {
            crate::function::allocator::return_free_memory();
        }
        answered
    }
}

/// An invocation's function error: its `errorType` and message.
struct Failure<'a> {
    error_type: &'static str,
    message: &'a str,
}

async fn post_response(
    api: &mut Connection,
    logger: &Logger,
    error_document: &mut Vec<u8>,
    id: &str,
    body: &[u8],
) -> Result<(), RuntimeError> {
    let status = api.post_response(id, body, Then::Next).await?;
    if status.is_success() {
        return Ok(());
    }
    if status.is_client_error() {
        // E.g. 413 for a response over 6 MB: tell the caller through an error instead.
        logger.log(
            Level::Error,
            Some(id),
            "the Runtime API refused the response",
            &[("status", status.as_str())],
        );
        let message = format!("the Runtime API refused the response with {status}");
        let failure = Failure {
            error_type: "ResponseRejected",
            message: &message,
        };
        // The worker's `GET next` already went out behind the response and its answer waits
        // for the next invocation: the error goes on a connection of its own.
        let mut own = Connection::new(api.endpoint().clone());
        return post_error(&mut own, logger, error_document, id, failure, Then::Nothing).await;
    }
    Err(RuntimeError(format!("POST response answered {status}")))
}

async fn post_error(
    api: &mut Connection,
    logger: &Logger,
    error_document: &mut Vec<u8>,
    id: &str,
    failure: Failure<'_>,
    then: Then,
) -> Result<(), RuntimeError> {
    write_function_error(error_document, failure.error_type, failure.message);
    let status = api
        .post_error(id, failure.error_type, error_document, then)
        .await?;
    if status.is_server_error() {
        return Err(RuntimeError(format!("POST error answered {status}")));
    }
    if !status.is_success() {
        logger.log(
            Level::Error,
            Some(id),
            "the Runtime API refused the error report",
            &[("status", status.as_str())],
        );
    }
    Ok(())
}

/// Serves with `concurrency` workers until one of them meets a Runtime API failure. A single
/// worker runs right here on a current-thread runtime; more run on `threads` threads, this one
/// included. A failure on this thread is returned (the caller exits); one on another thread is
/// logged there and exits the process at once, with the same status.
pub fn serve(
    endpoint: Endpoint,
    logger: Logger,
    concurrency: Concurrency,
) -> Result<(), RuntimeError> {
    for thread in 1..concurrency.threads {
        let workers = concurrency.workers_on(thread);
        let endpoint = endpoint.clone();
        std::thread::Builder::new()
            .name(format!("worker-{thread}"))
            .spawn(move || {
                if let Err(err) = block_on_workers(endpoint, logger, workers) {
                    log_stopped(logger, &err);
                    std::process::exit(1);
                }
            })
            .map_err(|e| fail("starting a worker thread", e))?;
    }
    block_on_workers(endpoint, logger, concurrency.workers_on(0))
}

/// The line logged when the runtime stops for the platform to start a fresh process: once per
/// process, however many workers see the failure (a Runtime API going away fails them all).
pub fn log_stopped(logger: Logger, err: &RuntimeError) {
    // A lock, not a flag: a thread that loses the race waits until the line is written, so the
    // process cannot exit from another thread with the line still unwritten.
    static STOPPED: Mutex<bool> = Mutex::new(false);
    let mut stopped = STOPPED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if std::mem::replace(&mut *stopped, true) {
        return;
    }
    logger.log(
        Level::Fatal,
        None,
        "runtime loop stopped; exiting for the platform to restart",
        &[("error", &err.to_string())],
    );
}

/// Runs `workers` workers on a new current-thread runtime until one fails.
fn block_on_workers(
    endpoint: Endpoint,
    logger: Logger,
    workers: usize,
) -> Result<(), RuntimeError> {
    current_thread_runtime()?.block_on(run_workers(endpoint, logger, workers))
}

fn current_thread_runtime() -> Result<tokio::runtime::Runtime, RuntimeError> {
    // The I/O driver is the only one used: the Runtime API sockets. No timer (nothing here
    // sleeps or times out), no signal driver (the shipped build keeps tokio's `signal` feature
    // off: scripts/build-arm64.sh checks it).
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| fail("starting the async runtime", e))
}

/// `workers` workers on this runtime until the first fails.
async fn run_workers(
    endpoint: Endpoint,
    logger: Logger,
    workers: usize,
) -> Result<(), RuntimeError> {
    if workers == 1 {
        return Worker::new(endpoint, logger).run().await;
    }
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let mut worker = Worker::new(endpoint.clone(), logger);
        set.spawn(async move { worker.run().await });
    }
    match set.join_next().await {
        Some(Ok(result)) => result,
        Some(Err(err)) => Err(fail("a worker stopped", err)),
        None => Ok(()),
    }
}
