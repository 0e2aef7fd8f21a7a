//! The contender entry point: the same `Processor` behind `lambda_runtime::run`, the way the
//! official runtime is usually used (payload taken as `Box<RawValue>` to keep its serde_json
//! pass cheap). Built only with `--features lambda-runtime-contender`, for the comparison
//! benchmark that decided what `bootstrap` uses (docs/design.md, "Own Runtime API loop").

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

fn main() -> Result<(), lambda_runtime::Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_runtime::run(Handler {
            processor: Processor::new(),
        }))
}
