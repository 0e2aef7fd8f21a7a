//! What a load run produces: one [`LoadResult`] per (bootstrap, event, max concurrency) and the
//! run around them. The field names of [`LoadResult`] are read by cost models: keep them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::benchmark::Host;
use crate::stats::Summary;

/// Latency of the invocations of the measured window, from the event handed out on
/// `GET /next` to its answer posted (what Lambda's Duration measures), in ms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
}

/// One bootstrap serving one event at one `AWS_LAMBDA_MAX_CONCURRENCY`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    pub label: String,
    /// The event file's name.
    pub event: String,
    pub event_bytes: usize,
    /// `AWS_LAMBDA_MAX_CONCURRENCY` given to the process.
    pub max_concurrency: u32,
    /// Invocations answered in the measured window (right or wrong).
    pub events: usize,
    /// From the first event released to the last answer, in seconds.
    pub wall_s: f64,
    pub events_per_s: f64,
    /// `None` when no invocation was answered.
    pub latency_ms: Option<Latency>,
    /// The process group's user + system CPU time over the window, per event.
    pub cpu_ms_per_event: f64,
    /// The process's `VmHWM` after the window (the emulator's, under qemu), in MiB.
    pub peak_rss_mb: f64,
    /// The most `GET /next` polls the process kept open at once.
    pub polls_open_max: u64,
    /// Answers that were not the expected one (see `mismatches`), timeouts and crashes included.
    pub errors: usize,
    /// Events kept in flight at once during the window.
    pub in_flight: usize,
    /// Untimed invocations before the window.
    pub warmup: usize,
    /// True when the bootstrap ran under an emulator (its CPU time and memory are included).
    pub emulated: bool,
    /// The first few wrong answers, numbered in the window's order.
    pub mismatches: Vec<String>,
    /// What went wrong around the window: fewer polls than asked, a failed init, a crash.
    pub notes: Vec<String>,
}

impl LoadResult {
    /// True when every answer was right and every poll asked for was opened.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.notes.is_empty()
    }
}

/// The raw figures of one measured window.
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// One per answered invocation.
    pub latencies: Vec<Duration>,
    pub wall: Duration,
    /// CPU time of the process group over the window.
    pub cpu: Duration,
}

/// A window's figures as [`LoadResult`] reports them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub events: usize,
    pub wall_s: f64,
    pub events_per_s: f64,
    pub latency_ms: Option<Latency>,
    pub cpu_ms_per_event: f64,
}

impl Window {
    pub fn figures(&self) -> Figures {
        let events = self.latencies.len();
        let wall_s = self.wall.as_secs_f64();
        let latencies: Vec<f64> = self.latencies.iter().map(|d| ms(*d)).collect();
        Figures {
            events,
            wall_s,
            events_per_s: if wall_s > 0.0 {
                events as f64 / wall_s
            } else {
                0.0
            },
            latency_ms: Summary::of(&latencies).map(|s| Latency {
                p50: s.p50,
                p99: s.p99,
            }),
            cpu_ms_per_event: if events > 0 {
                ms(self.cpu) / events as f64
            } else {
                0.0
            },
        }
    }
}

/// `/proc/loadavg`'s 1, 5 and 15 minute averages.
pub type LoadAverage = [f64; 3];

/// A whole load run: the JSON document `--export-json` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadResults {
    pub tool: String,
    pub version: String,
    pub host: Host,
    /// `git rev-parse HEAD` where the run was started, when that is a checkout.
    pub commit: Option<String>,
    pub load_average_before: Option<LoadAverage>,
    pub load_average_after: Option<LoadAverage>,
    /// The length of one CPU-time tick in ms: `cpu_ms_per_event` is exact to this over the
    /// window's total, not per event.
    pub cpu_tick_ms: f64,
    pub results: Vec<LoadResult>,
}

impl LoadResults {
    pub fn clean(&self) -> bool {
        self.results.iter().all(LoadResult::clean)
    }

    /// The 1-minute load averages above 1 (the machine was busy with something else, or the
    /// run itself loaded it), as warnings.
    pub fn load_warnings(&self) -> Vec<String> {
        [
            ("before", self.load_average_before),
            ("after", self.load_average_after),
        ]
        .into_iter()
        .filter_map(|(when, avg)| {
            let avg = avg?;
            (avg[0] > 1.0).then(|| {
                format!(
                    "load average {when} the run was {:.2} (1 min): other work shared these \
                     {} CPUs, so events/s and latency are lower than on a quiet machine",
                    avg[0], self.host.cpus
                )
            })
        })
        .collect()
    }
}

/// `/proc/loadavg` read now, if this is Linux.
pub fn load_average() -> Option<LoadAverage> {
    parse_load_average(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

fn parse_load_average(text: &str) -> Option<LoadAverage> {
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_figures() {
        let window = Window {
            latencies: (1..=100).map(Duration::from_millis).collect(),
            wall: Duration::from_millis(500),
            cpu: Duration::from_millis(250),
        };
        let f = window.figures();
        assert_eq!(f.events, 100);
        assert!((f.wall_s - 0.5).abs() < 1e-12);
        assert!((f.events_per_s - 200.0).abs() < 1e-9);
        let latency = f.latency_ms.unwrap();
        assert!((latency.p50 - 50.5).abs() < 1e-9, "{latency:?}");
        assert!((latency.p99 - 99.01).abs() < 1e-9, "{latency:?}");
        assert!((f.cpu_ms_per_event - 2.5).abs() < 1e-9);
    }

    #[test]
    fn an_empty_window_has_no_rates() {
        let f = Window::default().figures();
        assert_eq!(
            (f.events, f.events_per_s, f.cpu_ms_per_event),
            (0, 0.0, 0.0)
        );
        assert!(f.latency_ms.is_none());
    }

    #[test]
    fn load_average_parses_and_warns_above_one() {
        let avg = parse_load_average("1.52 0.80 0.33 3/512 12345\n").unwrap();
        assert_eq!(avg, [1.52, 0.80, 0.33]);
        assert!(parse_load_average("1.0 x").is_none());
        let results = LoadResults {
            tool: "lambda-bench".into(),
            version: "0".into(),
            host: Host::current(),
            commit: None,
            load_average_before: Some([0.2, 0.1, 0.1]),
            load_average_after: Some(avg),
            cpu_tick_ms: 10.0,
            results: Vec::new(),
        };
        let warnings = results.load_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("load average after the run was 1.52"));
    }
}
