//! Exact instruction counts of arm64 bootstraps (`lambda-bench count`): each runs under the
//! dynamic `qemu-aarch64` with a CPU model of Graviton2 (`-cpu neoverse-n1`) and the `insn_count`
//! TCG plugin (tools/qemu-insn-count), behind the bench's own Runtime API.
//!
//! Per bootstrap: the start + exit path (a run given no event), init (exec until the first
//! `GET /next` is written: the plugin's snapshot at that syscall), and per event: instructions per
//! invocation as the difference of two runs given n1 and n2 invocations (start and exit cancel),
//! per input byte, SHA-256 instructions and the SIMD&FP (NEON) share. Single-threaded bootstraps
//! count the same on every run; a multi-threaded one (Go) varies by ~2 %, so each of its figures
//! is the median of several runs, and the results say so.
//!
//! Counts say how much work the code does on the modelled core; they say nothing of memory
//! stalls, caches or time. The claim they support is a ratio to a contender on the same model.

pub mod baseline;
mod plugin;
mod render;
mod run;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use plugin::{Counts, PluginReport, Snapshot};
pub use render::{markdown, table};
pub use run::{qemu_argv, FIXED_ARGV0, FIXED_DIR};

use crate::benchmark::{Event, Host, Target};
use crate::error::{Error, Result};
use run::{counted_run, Workspace};

/// How to count.
#[derive(Debug, Clone)]
pub struct CountOptions {
    /// The dynamic `qemu-aarch64` (Debian's qemu-user): the static one cannot load plugins.
    pub qemu: PathBuf,
    /// `libinsncount.so`.
    pub plugin: PathBuf,
    /// qemu's CPU model; `neoverse-n1` is Graviton2's core.
    pub cpu: String,
    /// `-L` for dynamically linked guests (the arm64 libc).
    pub sysroot: Option<PathBuf>,
    /// The two invocation counts whose difference gives the per-event figures (n1 < n2).
    pub invocations: (usize, usize),
    /// Runs per figure for single-threaded bootstraps (their counts repeat exactly).
    pub repeat: usize,
    /// Runs per figure (the median is kept) for multi-threaded ones.
    pub threaded_repeat: usize,
    /// Extra instruction names to count by disassembly.
    pub mnemonics: Vec<String>,
    pub timeout: Duration,
    pub init_timeout: Duration,
}

impl Default for CountOptions {
    fn default() -> Self {
        CountOptions {
            qemu: PathBuf::from("qemu-aarch64"),
            plugin: PathBuf::from("target/qemu-plugin/libinsncount.so"),
            cpu: "neoverse-n1".to_owned(),
            sysroot: Some(PathBuf::from("/usr/aarch64-linux-gnu")).filter(|p| p.is_dir()),
            invocations: (1, 3),
            repeat: 1,
            threaded_repeat: 3,
            mnemonics: Vec::new(),
            timeout: Duration::from_secs(120),
            init_timeout: Duration::from_secs(60),
        }
    }
}

/// Per-invocation figures: the difference of two runs over the difference of their invocations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PerEvent {
    pub insns: f64,
    pub simd_fp: f64,
    pub sha256h: f64,
    /// sha256h + sha256h2 + sha256su0 + sha256su1.
    pub sha256_all: f64,
    pub mnemonics: BTreeMap<String, f64>,
}

impl PerEvent {
    fn between(a: &Counts, b: &Counts, invocations: usize) -> PerEvent {
        let per = |x: u64, y: u64| (y as f64 - x as f64) / invocations as f64;
        PerEvent {
            insns: per(a.insns, b.insns),
            simd_fp: per(a.simd_fp, b.simd_fp),
            sha256h: per(a.sha256h, b.sha256h),
            sha256_all: per(a.sha256_all(), b.sha256_all()),
            mnemonics: b
                .mnemonics
                .iter()
                .map(|(k, &v)| (k.clone(), per(a.mnemonics.get(k).copied().unwrap_or(0), v)))
                .collect(),
        }
    }
}

/// One event's figures for one bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventCounts {
    pub event: String,
    pub bytes: u64,
    /// Instructions of the whole runs given n1 and n2 invocations.
    pub run_insns: [u64; 2],
    pub per_event: PerEvent,
    pub insns_per_byte: f64,
    /// SIMD&FP instructions / all instructions, per event.
    pub simd_share: f64,
}

/// One bootstrap's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCounts {
    pub name: String,
    pub binary: PathBuf,
    pub size_bytes: u64,
    /// Guest threads that ran code (the most seen in one run).
    pub threads: usize,
    /// Runs behind each figure (the median run by instructions is kept).
    pub runs_per_figure: usize,
    /// The init snapshot was the same in every run of this bootstrap (and, with several runs
    /// per figure, so were the totals): the counts are deterministic.
    pub identical_runs: bool,
    /// The run given no event, to its exit.
    pub start_exit: Counts,
    /// Exec until the first `GET /next` is written.
    pub init: Counts,
    pub events: Vec<EventCounts>,
}

/// A whole `count` run: the JSON document `--json` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CountResults {
    pub tool: String,
    pub version: String,
    pub host: Host,
    /// The qemu command line before the bootstrap (plugin output path aside).
    pub emulator: String,
    pub cpu: String,
    pub invocations: [usize; 2],
    pub targets: Vec<TargetCounts>,
}

/// Counts every target on every event. `progress` gets one line per counted process.
pub async fn count_all(
    targets: &[Target],
    events: &[Event],
    opts: &CountOptions,
    progress: &dyn Fn(&str),
) -> Result<CountResults> {
    let (n1, n2) = opts.invocations;
    if n1 >= n2 {
        return Err(Error::usage(format!(
            "--invocations {n1},{n2}: the second must be larger (per event = difference / (n2 - n1))"
        )));
    }
    for (path, what) in [(
        &opts.plugin,
        "the insn_count plugin (scripts/build-qemu-plugin.sh builds it)",
    )] {
        if !path.is_file() {
            return Err(Error::usage(format!(
                "{}: no such file: {what}",
                path.display()
            )));
        }
    }
    let mut ws = Workspace::acquire()?;
    let mut out = Vec::new();
    for target in targets {
        out.push(count_target(&mut ws, target, events, opts, progress).await?);
    }
    let mut emulator = qemu_argv(opts, std::path::Path::new("REPORT"));
    emulator.truncate(emulator.len() - 2); // `-plugin PATH,...`: the path is this machine's
    emulator.push("-plugin libinsncount.so".to_owned());
    Ok(CountResults {
        tool: env!("CARGO_PKG_NAME").to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        host: Host::current(),
        emulator: emulator.join(" "),
        cpu: opts.cpu.clone(),
        invocations: [n1, n2],
        targets: out,
    })
}

async fn count_target(
    ws: &mut Workspace,
    target: &Target,
    events: &[Event],
    opts: &CountOptions,
    progress: &dyn Fn(&str),
) -> Result<TargetCounts> {
    let fixed = ws.install(&target.binary)?;
    let size_bytes = std::fs::metadata(&target.binary)
        .map_err(Error::file(&target.binary))?
        .len();
    let mut all: Vec<PluginReport> = Vec::new();
    progress(&format!("{}: start and exit, no event", target.name));
    let first = counted_run(ws, &fixed, opts, None, 0).await?;
    let repeat = if first.threaded() {
        opts.threaded_repeat.max(opts.repeat)
    } else {
        opts.repeat
    }
    .max(1);
    let mut runs = vec![first];
    for _ in 1..repeat {
        runs.push(counted_run(ws, &fixed, opts, None, 0).await?);
    }
    let (start, identical) = median(&runs);
    all.extend(runs);
    let mut event_counts = Vec::new();
    let (n1, n2) = opts.invocations;
    for event in events {
        let mut pair = Vec::new();
        for n in [n1, n2] {
            progress(&format!(
                "{}: {} x{n}{}",
                target.name,
                event.name,
                if repeat > 1 {
                    format!(", {repeat} runs")
                } else {
                    String::new()
                }
            ));
            let mut runs = Vec::new();
            for _ in 0..repeat {
                runs.push(counted_run(ws, &fixed, opts, Some(event), n).await?);
            }
            pair.push(median(&runs).0);
            all.extend(runs);
        }
        let per_event = PerEvent::between(&pair[0].total, &pair[1].total, n2 - n1);
        let bytes = event.payload.len() as u64;
        event_counts.push(EventCounts {
            event: event.name.clone(),
            bytes,
            run_insns: [pair[0].total.insns, pair[1].total.insns],
            insns_per_byte: per_event.insns / bytes.max(1) as f64,
            simd_share: per_event.simd_fp / per_event.insns.max(1.0),
            per_event,
        });
    }
    let snapshots: Vec<&Snapshot> = all
        .iter()
        .filter_map(|r| r.first_connected_write.as_ref())
        .collect();
    let init = start.first_connected_write.clone().ok_or_else(|| {
        Error::Bootstrap(format!(
            "{}: the plugin saw no write to a connected socket (no GET /next?)",
            target.name
        ))
    })?;
    Ok(TargetCounts {
        name: target.name.clone(),
        binary: target.binary.clone(),
        size_bytes,
        threads: all.iter().map(|r| r.vcpus.len()).max().unwrap_or(1),
        runs_per_figure: repeat,
        identical_runs: identical && snapshots.iter().all(|s| s.counts == init.counts),
        start_exit: start.total.clone(),
        init: init.counts,
        events: event_counts,
    })
}

/// The run with the median instruction count, and whether all runs counted the same.
fn median(runs: &[PluginReport]) -> (PluginReport, bool) {
    let mut sorted: Vec<&PluginReport> = runs.iter().collect();
    sorted.sort_by_key(|r| r.total.insns);
    let identical = runs.windows(2).all(|w| w[0].total == w[1].total);
    (sorted[sorted.len() / 2].clone(), identical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(insns: u64, simd: u64, sha: u64) -> Counts {
        Counts {
            insns,
            simd_fp: simd,
            sha256h: sha,
            sha256su0: sha,
            ..Counts::default()
        }
    }

    #[test]
    fn per_event_is_the_difference_over_the_invocations() {
        let a = counts(1_000, 100, 10);
        let b = counts(1_301, 160, 30);
        let p = PerEvent::between(&a, &b, 2);
        assert_eq!(
            (p.insns, p.simd_fp, p.sha256h, p.sha256_all),
            (150.5, 30.0, 10.0, 20.0)
        );
    }

    #[test]
    fn median_keeps_the_middle_run_and_says_whether_runs_agreed() {
        let report = |insns| PluginReport {
            total: counts(insns, 0, 0),
            first_connected_write: None,
            vcpus: Vec::new(),
        };
        let (m, same) = median(&[report(30), report(10), report(20)]);
        assert_eq!((m.total.insns, same), (20, false));
        let (m, same) = median(&[report(7), report(7)]);
        assert_eq!((m.total.insns, same), (7, true));
    }
}
