//! `bootstrap`: the Lambda entry point. Everything it does before the first event is init time
//! that every cold start pays, so it does little: set the allocator up, read the log settings,
//! connect to the Runtime API on a current-thread tokio runtime, serve.

use std::process::ExitCode;

use transactions_lambda::logging::{Level, Logger};
use transactions_lambda::runtime::RuntimeLoop;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tune_allocator();
    let logger = Logger::from_env();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
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

/// mimalloc commits its first arena eagerly by default, which shows up as several MB of
/// "Max Memory Used" on an idle function. Committing on demand keeps RSS to what is touched.
/// Must run before the allocator reserves its arena: first thing in `main`.
fn tune_allocator() {
    // `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_t` (not exported by the -sys crate).
    const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: sets a process-wide option; mimalloc documents this as callable at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}
