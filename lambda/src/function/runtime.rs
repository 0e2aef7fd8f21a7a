//! The Lambda Runtime API loop (2018-06-01), driven with `lambda_runtime_api_client`, the
//! official runtime's own HTTP client. The event body goes from the socket into one reused
//! buffer and from there to simd-json, skipping the `serde_json` pass that
//! `lambda_runtime::run` forces on every payload (see the crate README for the measurements).
//!
//! Failure policy, as Lambda expects from a custom runtime: bad *input* is answered (an error
//! document or an HTTP 4xx) and the loop goes on; a Runtime API that cannot be reached or that
//! answers `next` with an error ends the process with a non-zero status, and the platform
//! starts a fresh one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{Method, Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use lambda_runtime_api_client::{body::Body, build_request, Client};

use crate::function::logging::{Level, Logger};
use crate::function::processor::{trim_buffer, Processor, Reply, MAX_EVENT_BYTES};
use crate::function::response::write_function_error;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

/// Why the loop stopped: the process should exit and let the platform restart it.
#[derive(Debug)]
pub struct RuntimeError(pub String);

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuntimeError {}

fn fail(context: &str, err: impl std::fmt::Display) -> RuntimeError {
    RuntimeError(format!("{context}: {err}"))
}

/// One invocation as handed out by `next`.
struct Invocation {
    request_id: String,
    deadline: Option<SystemTime>,
}

pub struct RuntimeLoop {
    client: Client,
    processor: Processor,
    logger: Logger,
    event: Vec<u8>,
    error_document: Vec<u8>,
}

impl RuntimeLoop {
    /// Connects to the Runtime API named by `AWS_LAMBDA_RUNTIME_API`.
    pub fn from_env(logger: Logger) -> Result<Self, RuntimeError> {
        let api = std::env::var("AWS_LAMBDA_RUNTIME_API").map_err(|_| {
            RuntimeError("AWS_LAMBDA_RUNTIME_API is not set: not running in Lambda?".into())
        })?;
        let endpoint = runtime_api_endpoint(&api)?;
        // `Client` is the non-SnapStart flavour; this function has no SnapStart.
        let client = Client::builder()
            .with_endpoint(endpoint)
            .build()
            .map_err(|e| fail("building the Runtime API client", e))?;
        Ok(RuntimeLoop {
            client,
            processor: Processor::new(),
            logger,
            event: Vec::new(),
            error_document: Vec::new(),
        })
    }

    /// Serves events until the Runtime API fails.
    pub async fn run(&mut self) -> Result<(), RuntimeError> {
        loop {
            self.serve_one().await?;
        }
    }

    /// Fetches, handles and answers one event.
    pub async fn serve_one(&mut self) -> Result<(), RuntimeError> {
        let invocation = self.next_event().await?;
        let id = invocation.request_id.as_str();
        if let Some(deadline) = invocation.deadline {
            if SystemTime::now() > deadline {
                // The platform has already timed this invocation out; answering is pointless.
                self.logger.log(
                    Level::Warn,
                    Some(id),
                    "event received past its deadline",
                    &[],
                );
                return self
                    .post_error(
                        id,
                        "DeadlineExceeded",
                        "the invocation deadline had passed when the event arrived",
                    )
                    .await;
            }
        }
        if self.logger.enabled(Level::Debug) {
            let event = String::from_utf8_lossy(&self.event);
            self.logger
                .log(Level::Debug, Some(id), "event", &[("event", &event)]);
        }
        let RuntimeLoop {
            processor,
            event,
            logger,
            ..
        } = self;
        let answered = match processor.handle(event, SystemTime::now()) {
            Reply::Response(body) => {
                let body = body.to_vec();
                self.post_response(id, body).await
            }
            Reply::Failure(err) => {
                logger.log(
                    Level::Warn,
                    Some(id),
                    "invalid input",
                    &[
                        ("errorType", err.code.error_type()),
                        ("error", &err.message),
                    ],
                );
                self.post_error(id, err.code.error_type(), &err.message)
                    .await
            }
        };
        // Big events must not pin their memory for the life of the process once they stop.
        if self.processor.trim_due() && (self.processor.trim() | trim_buffer(&mut self.event)) {
            crate::function::allocator::return_free_memory();
        }
        answered
    }

    async fn next_event(&mut self) -> Result<Invocation, RuntimeError> {
        let request = build_request()
            .method(Method::GET)
            .uri(NEXT)
            .body(Body::empty())
            .map_err(|e| fail("building the next request", e))?;
        let response = self.call(request, "GET next").await?;
        if !response.status().is_success() {
            return Err(RuntimeError(format!(
                "GET next answered {}",
                response.status()
            )));
        }
        let headers = response.headers();
        let request_id = headers
            .get("lambda-runtime-aws-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| RuntimeError("next event without Lambda-Runtime-Aws-Request-Id".into()))?
            .to_owned();
        let deadline = headers
            .get("lambda-runtime-deadline-ms")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .and_then(deadline_from_epoch_ms);
        // `Lambda-Runtime-Trace-Id` is deliberately not copied to `_X_AMZN_TRACE_ID`: nothing
        // in this function makes traced downstream calls, and glibc's setenv keeps every
        // distinct value it was ever given (a unique trace id per event leaked ~130 bytes per
        // invocation: +13 MB over 100,000, found by lambda/tests/soak.rs).
        // The body goes straight into the reused event buffer; beyond the hard limit it is
        // drained but not kept, and the processor reports it as too large.
        self.event.clear();
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| fail("reading the event body", e))?;
            if let Some(data) = frame.data_ref() {
                let room = (MAX_EVENT_BYTES + 1).saturating_sub(self.event.len());
                self.event.extend_from_slice(&data[..data.len().min(room)]);
            }
        }
        Ok(Invocation {
            request_id,
            deadline,
        })
    }

    async fn post_response(&mut self, id: &str, body: Vec<u8>) -> Result<(), RuntimeError> {
        let request = build_request()
            .method(Method::POST)
            .uri(format!("/2018-06-01/runtime/invocation/{id}/response"))
            .body(Body::from(body))
            .map_err(|e| fail("building the response request", e))?;
        let response = self.call(request, "POST response").await?;
        let status = response.status();
        drain(response).await;
        if status.is_success() {
            return Ok(());
        }
        if status.is_client_error() {
            // E.g. 413 for a response over 6 MB: tell the caller through an error instead.
            self.logger.log(
                Level::Error,
                Some(id),
                "the Runtime API refused the response",
                &[("status", status.as_str())],
            );
            return self
                .post_error(
                    id,
                    "ResponseRejected",
                    &format!("the Runtime API refused the response with {status}"),
                )
                .await;
        }
        Err(RuntimeError(format!("POST response answered {status}")))
    }

    async fn post_error(
        &mut self,
        id: &str,
        error_type: &str,
        message: &str,
    ) -> Result<(), RuntimeError> {
        write_function_error(&mut self.error_document, error_type, message);
        let request = build_request()
            .method(Method::POST)
            .uri(format!("/2018-06-01/runtime/invocation/{id}/error"))
            .header("lambda-runtime-function-error-type", error_type)
            .header("content-type", "application/json")
            .body(Body::from(self.error_document.clone()))
            .map_err(|e| fail("building the error request", e))?;
        let response = self.call(request, "POST error").await?;
        let status = response.status();
        drain(response).await;
        if status.is_server_error() {
            return Err(RuntimeError(format!("POST error answered {status}")));
        }
        if !status.is_success() {
            self.logger.log(
                Level::Error,
                Some(id),
                "the Runtime API refused the error report",
                &[("status", status.as_str())],
            );
        }
        Ok(())
    }

    async fn call(
        &self,
        request: Request<Body>,
        what: &str,
    ) -> Result<Response<Incoming>, RuntimeError> {
        self.client.call(request).await.map_err(|e| fail(what, e))
    }
}

/// The Runtime API's base URI: Lambda sets `host:port`; `cargo lambda watch` sets a URL with a
/// path (`http://127.0.0.1:9000/.rt/bootstrap`), which the client prefixes to every request.
fn runtime_api_endpoint(api: &str) -> Result<http::Uri, RuntimeError> {
    let url = if api.contains("://") {
        api.to_owned()
    } else {
        format!("http://{api}")
    };
    match url.parse::<http::Uri>() {
        Ok(uri) if uri.authority().is_some() => Ok(uri),
        Ok(_) => Err(RuntimeError(format!(
            "AWS_LAMBDA_RUNTIME_API {api:?} names no host"
        ))),
        Err(e) => Err(fail(
            "AWS_LAMBDA_RUNTIME_API is neither host:port nor a URL",
            e,
        )),
    }
}

/// Lambda sends the deadline in milliseconds since the epoch; `cargo lambda watch` sends a
/// duration (`600000`). A value before September 2001 cannot be an epoch deadline of a
/// running invocation, so it is treated as no deadline rather than as one long past.
fn deadline_from_epoch_ms(ms: u64) -> Option<SystemTime> {
    const EARLIEST_EPOCH_MS: u64 = 1_000_000_000_000;
    (ms >= EARLIEST_EPOCH_MS).then(|| UNIX_EPOCH + Duration::from_millis(ms))
}

/// Reads a response to its end so the keep-alive connection can be reused.
async fn drain(response: Response<Incoming>) {
    let _ = response.into_body().collect().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_api_as_lambda_or_cargo_lambda_sets_it() {
        let uri = runtime_api_endpoint("127.0.0.1:9001").unwrap();
        assert_eq!(uri.to_string(), "http://127.0.0.1:9001/");
        let uri = runtime_api_endpoint("http://127.0.0.1:9000/.rt/bootstrap").unwrap();
        assert_eq!(uri.authority().unwrap().as_str(), "127.0.0.1:9000");
        assert_eq!(uri.path(), "/.rt/bootstrap");
        assert!(runtime_api_endpoint("not a host").is_err());
        assert!(runtime_api_endpoint("http:///path").is_err());
        // A URL that parses but has no host (a path, with "://" only in its query).
        let err = runtime_api_endpoint("/next?from=http://x").unwrap_err();
        assert!(err.0.contains("names no host"), "{}", err.0);
    }

    #[test]
    fn deadlines_are_epoch_milliseconds_or_ignored() {
        assert_eq!(deadline_from_epoch_ms(600_000), None);
        assert_eq!(
            deadline_from_epoch_ms(1_767_225_600_000),
            Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
        );
    }
}
