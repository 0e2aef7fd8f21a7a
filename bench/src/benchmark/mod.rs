//! Benchmark runs, in the order the data flows: the executor (one cold run, warm sessions)
//! and the scheduler (rounds across targets) measure; [`result`] holds what one target
//! produced; [`relative_speed`] compares targets; [`run_results`] is the whole run, which
//! `export` writes. Each module only looks back up this list.

mod executor;
pub mod relative_speed;
mod result;
mod run_results;
mod scheduler;

pub use executor::{cold_run, ms, Event, LocalOptions, Target, WarmSession};
pub use relative_speed::{Comparison, Figure};
pub use result::{bytes_to_mb, EventAnswer, Kind, Sample, Status, Summaries, TargetResult};
pub use run_results::{Host, Mode, RunResults};
pub use scheduler::{run_local, Progress, Silent};
