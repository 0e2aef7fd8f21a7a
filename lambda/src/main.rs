//! `bootstrap`: the Lambda entry point. Everything it does before the first event is init time
//! that every cold start pays, so it does little: read the log and concurrency settings, find
//! the Runtime API, serve. (The allocator is set up even earlier, by a constructor: see
//! `transactions_lambda::function::allocator`.)

use std::process::ExitCode;

use transactions_lambda::function::concurrency;
use transactions_lambda::function::logging::{Level, Logger};
use transactions_lambda::function::runtime::{log_stopped, serve};
use transactions_lambda::function::runtime_api::Endpoint;

transactions_lambda::tuned_allocator!();

fn main() -> ExitCode {
    let logger = Logger::from_env();
    let choice = concurrency::from_env();
    if let Some(warning) = &choice.warning {
        logger.log(Level::Warn, None, warning, &[]);
    }
    let result =
        Endpoint::from_env().and_then(|endpoint| serve(endpoint, logger, choice.concurrency));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            log_stopped(logger, &err);
            ExitCode::FAILURE
        }
    }
}
