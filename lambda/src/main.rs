//! `bootstrap`: the Lambda entry point. Everything it does before the first event is init time
//! that every cold start pays, so it does little: read the log settings,
//! connect to the Runtime API on a current-thread tokio runtime, serve. (The allocator is set
//! up even earlier, by a constructor: see `transactions_lambda::function::allocator`.)

use std::process::ExitCode;

use transactions_lambda::function::logging::{Level, Logger};
use transactions_lambda::function::runtime::RuntimeLoop;

transactions_lambda::tuned_allocator!();

fn main() -> ExitCode {
    let logger = Logger::from_env();
    // The drivers the loop uses: I/O (the Runtime API socket) and time (hyper-util's connector
    // arms a timer when a host name resolves to both IPv4 and IPv6). Not `enable_all()`, which
    // would also take whatever a future tokio adds to it. The signal driver cannot be opted out
    // here (tokio attaches it to the I/O driver when its `signal` feature is on), so the shipped
    // build keeps that feature off: scripts/build-arm64.sh checks it.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            logger.log(
                Level::Fatal,
                None,
                "cannot start the async runtime",
                &[("error", &err.to_string())],
            );
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let mut lambda = RuntimeLoop::from_env(logger)?;
        lambda.run().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            logger.log(
                Level::Fatal,
                None,
                "runtime loop stopped; exiting for the platform to restart",
                &[("error", &err.to_string())],
            );
            ExitCode::FAILURE
        }
    }
}
