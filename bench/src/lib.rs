//! # lambda-bench
//!
//! Run any AWS Lambda custom-runtime `bootstrap` on this machine against an in-process Lambda
//! Runtime API, and measure what Lambda's REPORT line reports: Init Duration, Duration, Max
//! Memory Used. The same figures come from a deployed function in cloud mode.
//!
//! ## The library in five lines
//!
//! ```no_run
//! # async fn demo() -> lambda_bench::error::Result<()> {
//! use std::time::Duration;
//! use lambda_bench::{LocalFunction, Outcome, SpawnConfig, InitStatus};
//!
//! let mut f = LocalFunction::start(&SpawnConfig::new("target/release/bootstrap"), Duration::from_secs(10)).await?;
//! assert_eq!(f.init().status, InitStatus::Ready);                 // f.init().duration = Init Duration
//! let out = f.invoke(&br#"{"requestId":"r1","transactions":[]}"#[..], Duration::from_secs(3)).await;
//! match &out.outcome {
//!     Outcome::Response(body) => println!("{} in {:?}", String::from_utf8_lossy(body), out.duration),
//!     Outcome::FunctionError(e) => println!("{}: {}", e.error_type, e.error_message),
//!     Outcome::Timeout | Outcome::Crashed(_) => println!("{:?}", f.process().log_tail(20)),
//! }
//! println!("peak RSS {:?} bytes", f.process().peak_rss_bytes());
//! # Ok(()) }
//! ```
//!
//! ## Pieces
//!
//! - [`runtime_api`]: the Runtime API server alone (`next`, `response`, `error`,
//!   `init/error`; keep-alive; fault injection for hostile tests).
//! - [`process`]: spawning a bootstrap with Lambda's environment, through qemu when it is a
//!   foreign-architecture ELF; log tail; peak RSS; kill-on-drop of the whole process group.
//! - [`session`]: both together ([`LocalFunction`]), adding Init Duration and crash detection.
//! - [`report`]: Lambda's reports, text REPORT lines and JSON `platform.report` records:
//!   formatted from local samples, parsed in cloud mode.
//! - [`count`]: exact instruction counts of arm64 bootstraps under qemu-user with a TCG
//!   plugin, and the regression gate on them.
//! - [`stats`]: percentiles, mean ± σ, ratios with uncertainty.
//! - [`benchmark`]: the runs (cold, warm, interleaved comparisons) and their results.
//! - [`load`]: throughput under `AWS_LAMBDA_MAX_CONCURRENCY` (Lambda Managed Instances):
//!   events/s, latency under load, CPU per event, peak RSS, polls kept open.
//! - [`export`]: the results as a terminal table, Markdown or JSON, behind one trait.
//! - [`error`]: the one error type of the command line, and its exit statuses.
//! - `cloud` (feature `cloud`): the same figures from a deployed function via the AWS SDK.
//! - `plot` (feature `plot`): SVG distribution plots.
//! - [`managed_instances`]: Lambda Managed Instances against per-request Lambda: $ per month
//!   at a sustained rate from measured CPU-ms and RSS, and the break-even rate.
//! - [`tuning`]: a memory sweep's figures priced, ranked and written out (the sweep itself is
//!   `cloud::sweep`).
//!
//! Depend on it from tests with `default-features = false`: tokio, hyper and serde_json only.

pub mod benchmark;
#[cfg(feature = "cloud")]
pub mod cloud;
pub mod count;
pub mod error;
pub mod export;
pub mod invocation;
pub mod load;
pub mod managed_instances;
#[cfg(feature = "plot")]
pub mod plot;
pub mod process;
pub mod report;
pub mod runtime_api;
pub mod session;
pub mod stats;
pub mod tuning;

pub use invocation::{FunctionError, Invocation, Outcome};
pub use process::{ExitInfo, FunctionProcess, SpawnConfig, Wrapper};
pub use runtime_api::{ApiInit, Fault, RuntimeApi};
pub use session::{InitReport, InitStatus, LocalFunction};
