//! The floor: an empty `lambda_runtime` function on a current-thread tokio runtime, with no
//! allocator or logic of ours. Benchmarked beside `bootstrap` in one run, it shows what the
//! transaction logic itself costs on top of merely being a Rust Lambda.
//! Built only with `--features lambda-runtime-contender`.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::value::RawValue;

async fn handler(event: LambdaEvent<Box<RawValue>>) -> Result<Box<RawValue>, Error> {
    Ok(event.payload)
}

fn main() -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_runtime::run(service_fn(handler)))
}
