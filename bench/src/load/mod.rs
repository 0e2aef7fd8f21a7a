//! Throughput under concurrency, the way Lambda Managed Instances use a runtime: the process
//! is told `AWS_LAMBDA_MAX_CONCURRENCY=N` and keeps N `GET /next` polls open; events are
//! released so that N (or a multiple of N) are always in flight. Per (bootstrap, event, N):
//! events per second, latency under load, CPU time per event, peak RSS, the polls it really
//! opened, and every answer checked against its first answer.
//!
//! Each measurement gets a fresh process, so peak RSS belongs to one event and one N. The
//! loops run N, then event, then bootstrap innermost: contenders measured back to back, so
//! a change in the machine's load touches them alike.

pub mod cpu;
pub mod expect;
mod measure;
#[cfg(feature = "plot")]
pub mod plot;
pub mod render;
pub mod results;

use std::path::Path;
use std::time::Duration;

pub use measure::{measure, MAX_CONCURRENCY_VAR};
pub use results::{Latency, LoadResult, LoadResults, Window};

use crate::benchmark::{Event, Host, Target};
use crate::error::Result;
use crate::process::Wrapper;

/// Load run settings.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The `AWS_LAMBDA_MAX_CONCURRENCY` values to measure, in order.
    pub max_concurrency: Vec<u32>,
    /// Invocations in each measured window.
    pub events: usize,
    /// Invocations before each window (the first alone: its answer is the reference).
    pub warmup: usize,
    /// A window (and the warm-up) stops releasing events after this long, so that large events
    /// get fewer than `events` without a second run.
    pub max_window: Option<Duration>,
    /// Events in flight per poll asked for: N × this are outstanding during the window.
    pub in_flight_per_poll: usize,
    pub timeout: Duration,
    pub init_timeout: Duration,
    /// How long to wait for the N polls after the first.
    pub poll_timeout: Duration,
    pub memory_mb: u32,
    pub wrapper: Wrapper,
    pub env: Vec<(String, String)>,
    pub echo_logs: bool,
    /// Events (file name or stem) whose answers must be function errors.
    pub expect_failure: Vec<String>,
    /// JSON keys whose values may differ from the first answer (the time of processing).
    pub volatile_fields: Vec<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_concurrency: vec![1, 2, 4, 8],
            events: 2000,
            warmup: 200,
            max_window: None,
            in_flight_per_poll: 1,
            timeout: Duration::from_secs(10),
            init_timeout: Duration::from_secs(10),
            poll_timeout: Duration::from_secs(3),
            memory_mb: 128,
            wrapper: Wrapper::Auto,
            env: Vec::new(),
            echo_logs: false,
            expect_failure: Vec::new(),
            volatile_fields: vec!["processedAt".to_owned()],
        }
    }
}

impl LoadOptions {
    /// True when `event` (a file name) is declared to fail, by its name or its stem.
    pub fn expects_failure(&self, event: &str) -> bool {
        let stem = Path::new(event).file_stem().and_then(|s| s.to_str());
        self.expect_failure
            .iter()
            .any(|name| name == event || Some(name.as_str()) == stem)
    }
}

/// Measures every target on every event at every max concurrency; `progress` hears each
/// measurement as it starts. `Err` only when a process cannot be started at all.
pub async fn run_load(
    targets: &[Target],
    events: &[Event],
    opts: &LoadOptions,
    progress: &dyn Fn(&str),
) -> Result<LoadResults> {
    let load_average_before = results::load_average();
    let mut measured = Vec::new();
    for &n in &opts.max_concurrency {
        for event in events {
            for target in targets {
                progress(&format!("{} on {} at N={n}", target.name, event.name));
                measured.push(measure(target, event, n, opts).await?);
            }
        }
    }
    Ok(LoadResults {
        tool: "lambda-bench".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        host: Host::current(),
        commit: commit(),
        load_average_before,
        load_average_after: results::load_average(),
        cpu_tick_ms: 1000.0 / cpu::ticks_per_second() as f64,
        results: measured,
    })
}

/// The checkout's commit, when run inside one.
fn commit() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let hash = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !hash.is_empty()).then_some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_failures_match_by_file_name_or_stem() {
        let opts = LoadOptions {
            expect_failure: vec!["amount-string".into(), "malformed.json".into()],
            ..LoadOptions::default()
        };
        assert!(opts.expects_failure("amount-string.json"));
        assert!(opts.expects_failure("malformed.json"));
        assert!(!opts.expects_failure("seed-3tx.json"));
        assert!(!opts.expects_failure("amount"));
    }
}
