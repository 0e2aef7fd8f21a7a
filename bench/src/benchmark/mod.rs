//! Benchmark runs: the executor (one cold run, warm sessions), the scheduler (rounds across
//! targets), the results and the relative-speed comparison.

mod executor;
pub mod relative_speed;
mod result;
mod scheduler;

pub use executor::{cold_run, ms, Event, LocalOptions, Target, WarmSession};
pub use result::{
    Comparison, EventAnswer, Host, Kind, RunResults, Sample, Status, Summaries, TargetResult,
};
pub use scheduler::{run_local, Progress, Silent};
