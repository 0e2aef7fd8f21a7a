//! The contender entry point: the same `Processor` behind `lambda_runtime::run`, the way the
//! official runtime is usually used (payload taken as `Box<RawValue>` to keep its serde_json
//! pass cheap). Built only with `--features lambda-runtime-contender`, for the comparison
//! benchmark that decided what `bootstrap` uses (docs/design.md, "Own Runtime API loop").
//!
//! With `AWS_LAMBDA_MAX_CONCURRENCY` above 1 (Lambda Managed Instances) it is the official
//! runtime's own way instead: `lambda_runtime::run_concurrent` on a multi-thread tokio runtime
//! (one worker thread per CPU, tokio's default, as `#[tokio::main]` gives), N worker tasks each
//! with its own `GET /next` poll and its own clone of the handler (a `Processor` per worker:
//! its buffers are per-invocation scratch). Unset or 1, it is the sequential loop above.

use std::future::{ready, Ready};
use std::task::{Context, Poll};
use std::time::SystemTime;

use lambda_runtime::{Diagnostic, LambdaEvent, Service};
use serde_json::value::RawValue;
use transactions_lambda::{Processor, Reply};

transactions_lambda::tuned_allocator!();

struct Handler {
    processor: Processor,
}

/// A clone is a fresh `Processor`: `run_concurrent` gives each worker its own handler, and the
/// buffers it reuses between invocations are not to be shared.
impl Clone for Handler {
    fn clone(&self) -> Self {
        Handler {
            processor: Processor::new(),
        }
    }
}

impl Service<LambdaEvent<Box<RawValue>>> for Handler {
    type Response = Box<RawValue>;
    type Error = Diagnostic;
    type Future = Ready<Result<Box<RawValue>, Diagnostic>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Diagnostic>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, event: LambdaEvent<Box<RawValue>>) -> Self::Future {
        let result = match self
            .processor
            .handle(event.payload.get().as_bytes(), SystemTime::now())
        {
            Reply::Response(answer) => String::from_utf8(answer.to_vec())
                .ok()
                .and_then(|text| RawValue::from_string(text).ok())
                .ok_or_else(|| Diagnostic {
                    error_type: "InternalError".into(),
                    error_message: "answer is not JSON".into(),
                }),
            Reply::Failure(err) => Err(Diagnostic {
                error_type: err.code.error_type().into(),
                error_message: err.message,
            }),
        };
        ready(result)
    }
}

/// `AWS_LAMBDA_MAX_CONCURRENCY` as `run_concurrent` reads it: a number above 1 turns it on.
fn max_concurrency() -> u32 {
    std::env::var("AWS_LAMBDA_MAX_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn main() -> Result<(), lambda_runtime::Error> {
    let handler = Handler {
        processor: Processor::new(),
    };
    if max_concurrency() > 1 {
        // run_concurrent spawns its workers with tokio::spawn: they only run in parallel on a
        // multi-thread runtime.
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(lambda_runtime::run_concurrent(handler))
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(lambda_runtime::run(handler))
    }
}
