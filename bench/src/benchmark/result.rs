//! What a target's runs produced: one [`Sample`] per invocation, grouped per target, with
//! summaries. Part of the JSON export's schema (see docs/bench.md); the whole document is
//! [`super::RunResults`].

use serde::{Deserialize, Serialize};

use crate::stats::Summary;

/// Cold: the first invocation of a fresh process (its init is measured). Warm: an invocation
/// of a process that has already served one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cold,
    Warm,
}

/// How one sample ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A response.
    Ok,
    /// A function error (an answer all the same, e.g. for an invalid event).
    FunctionError,
    Timeout,
    Crash,
    /// The runtime posted `/init/error`.
    InitError,
    /// The process exited during init.
    InitCrash,
    /// No first `next` within the init timeout.
    InitTimeout,
}

impl Status {
    /// True when the function answered (response or function error): such samples have a
    /// Duration comparable to Lambda's and enter the statistics.
    pub fn answered(self) -> bool {
        matches!(self, Status::Ok | Status::FunctionError)
    }
}

/// One invocation (or failed init), measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub kind: Kind,
    /// Name of the event (payload file stem).
    pub event: String,
    pub request_id: String,
    pub status: Status,
    /// Init Duration, for cold samples.
    pub init_ms: Option<f64>,
    /// Duration: event handed out until the response or error was received.
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<u64>,
    /// Peak RSS of the process up to the end of this invocation (bytes).
    pub max_memory_bytes: Option<u64>,
    /// Error type and message, exit status, or timeout detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The function's last log lines, kept for failures.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub log_tail: Vec<String>,
}

/// The first answer seen for each event, to show what the function said.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventAnswer {
    pub event: String,
    pub status: Status,
    /// Response body or error, cut to a readable length.
    pub text: String,
}

/// Summaries of one target's samples. Times in ms, memory in MB (MiB, rounded up like Lambda).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summaries {
    pub init_ms: Option<Summary>,
    pub cold_duration_ms: Option<Summary>,
    /// Init Duration + Duration of cold samples: the latency a caller sees on a cold start.
    pub cold_start_ms: Option<Summary>,
    pub warm_duration_ms: Option<Summary>,
    pub cold_memory_mb: Option<Summary>,
    pub warm_memory_mb: Option<Summary>,
}

/// Everything measured for one function (binary or deployed function).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetResult {
    pub name: String,
    /// Binary path (local) or function name/ARN (cloud).
    pub source: String,
    pub size_bytes: Option<u64>,
    /// Local: the command line run; its first word is the emulator when `emulated`.
    pub argv: Vec<String>,
    pub emulated: bool,
    pub memory_size_mb: u64,
    pub samples: Vec<Sample>,
    pub answers: Vec<EventAnswer>,
    pub summaries: Summaries,
    /// Why runs stopped early for this target, if they did.
    pub aborted: Vec<String>,
}

impl TargetResult {
    pub fn new(name: String, source: String, memory_size_mb: u64) -> TargetResult {
        TargetResult {
            name,
            source,
            size_bytes: None,
            argv: Vec::new(),
            emulated: false,
            memory_size_mb,
            samples: Vec::new(),
            answers: Vec::new(),
            summaries: Summaries::default(),
            aborted: Vec::new(),
        }
    }

    /// Records the first answer per event.
    pub fn note_answer(&mut self, event: &str, status: Status, text: impl FnOnce() -> String) {
        if !self.answers.iter().any(|a| a.event == event) {
            self.answers.push(EventAnswer {
                event: event.to_owned(),
                status,
                text: text(),
            });
        }
    }

    /// Recomputes [`TargetResult::summaries`] from the samples that were answered.
    pub fn summarize(&mut self) {
        let pick = |kind: Kind, f: &dyn Fn(&Sample) -> Option<f64>| -> Option<Summary> {
            let values: Vec<f64> = self
                .samples
                .iter()
                .filter(|s| s.kind == kind && s.status.answered())
                .filter_map(f)
                .collect();
            Summary::of(&values)
        };
        let mb = |s: &Sample| s.max_memory_bytes.map(|b| bytes_to_mb(b) as f64);
        self.summaries = Summaries {
            init_ms: pick(Kind::Cold, &|s| s.init_ms),
            cold_duration_ms: pick(Kind::Cold, &|s| s.duration_ms),
            cold_start_ms: pick(Kind::Cold, &|s| Some(s.init_ms? + s.duration_ms?)),
            warm_duration_ms: pick(Kind::Warm, &|s| s.duration_ms),
            cold_memory_mb: pick(Kind::Cold, &mb),
            warm_memory_mb: pick(Kind::Warm, &mb),
        };
    }

    /// Samples that did not end in an answer.
    pub fn failures(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(|s| !s.status.answered())
    }

    pub fn count(&self, status: Status) -> usize {
        self.samples.iter().filter(|s| s.status == status).count()
    }
}

/// Bytes to Lambda's "MB" (MiB), rounded up as Lambda does.
pub fn bytes_to_mb(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// A successful sample for unit tests: only what the test sets varies (struct update syntax for
/// the rest: `Sample { billed_ms: Some(2), ..Sample::ok(Kind::Warm, None, 1.5) }`).
#[cfg(test)]
impl Sample {
    pub(crate) fn ok(kind: Kind, init_ms: Option<f64>, duration_ms: f64) -> Sample {
        Sample {
            kind,
            event: "e".into(),
            request_id: "r".into(),
            status: Status::Ok,
            init_ms,
            duration_ms: Some(duration_ms),
            billed_ms: None,
            max_memory_bytes: None,
            detail: None,
            log_tail: vec![],
        }
    }
}
