//! The regression gate: a committed baseline of instruction counts, compared with a measurement.
//! A change that raises init or per-event instructions by more than the tolerance fails, unless
//! it updates the baseline in the same change (`lambda-bench count ... --update-baseline FILE`
//! writes it from the measurement). A drop passes, with a note to lock it in.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CountResults;
use crate::error::{Error, Result};

/// The committed file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// What the file is and how to regenerate it (kept as written).
    pub about: String,
    /// The CPU model the counts were taken on; a measurement on another model is refused.
    pub cpu: String,
    /// Allowed rise, in percent, before the gate fails.
    pub tolerance_percent: f64,
    pub targets: BTreeMap<String, BaselineTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineTarget {
    pub init_insns: u64,
    pub events: BTreeMap<String, BaselineEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineEvent {
    pub per_event_insns: u64,
    /// `sha256h` executed per event; when above 0, the measurement must be above 0 too (the
    /// ARMv8 SHA-256 path of AWS-LC is the one running).
    pub sha256h: u64,
}

pub const DEFAULT_ABOUT: &str = "lambda-bench count baseline (instructions under qemu -cpu \
    neoverse-n1, see docs/design.md \"Counting instructions on a model of Graviton\"). Regenerate with \
    `scripts/count-arm64.sh --update-baseline` and commit it with the change that moved the counts.";

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline> {
        let bytes = std::fs::read(path).map_err(Error::file(path))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::usage(format!("{}: not a count baseline: {e}", path.display())))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        std::fs::write(path, bytes).map_err(Error::file(path))
    }

    /// A baseline holding what `results` measured (rounded to whole instructions).
    pub fn from_results(results: &CountResults, tolerance_percent: f64) -> Baseline {
        let targets = results
            .targets
            .iter()
            .map(|t| {
                let events = t
                    .events
                    .iter()
                    .map(|e| {
                        let event = BaselineEvent {
                            per_event_insns: e.per_event.insns.round() as u64,
                            sha256h: e.per_event.sha256h.round() as u64,
                        };
                        (e.event.clone(), event)
                    })
                    .collect();
                let target = BaselineTarget {
                    init_insns: t.init.insns,
                    events,
                };
                (t.name.clone(), target)
            })
            .collect();
        Baseline {
            about: DEFAULT_ABOUT.to_owned(),
            cpu: results.cpu.clone(),
            tolerance_percent,
            targets,
        }
    }
}

/// One line of the before/after table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateRow {
    pub target: String,
    pub figure: String,
    pub baseline: u64,
    pub measured: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Ok,
    /// Lower than the baseline by more than the tolerance: passes; update the baseline.
    Lower,
    /// Higher than the baseline by more than the tolerance.
    Raised,
    /// `sha256h` was expected and not executed.
    NoSha256h,
    /// In the baseline, not in the measurement.
    Missing,
}

impl Verdict {
    pub fn fails(self) -> bool {
        matches!(
            self,
            Verdict::Raised | Verdict::NoSha256h | Verdict::Missing
        )
    }
}

/// The gate's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    pub tolerance_percent: f64,
    pub rows: Vec<GateRow>,
}

impl Gate {
    pub fn passed(&self) -> bool {
        self.rows.iter().all(|r| !r.verdict.fails())
    }

    /// The before/after table, then the verdict line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<10} {:<34} {:>14} {:>14} {:>9}  verdict",
            "bootstrap", "figure", "baseline", "measured", "change"
        );
        for r in &self.rows {
            let (measured, change) = match r.measured {
                Some(m) => (
                    format!("{m:.0}"),
                    if r.baseline > 0 {
                        format!("{:+.2}%", (m / r.baseline as f64 - 1.0) * 100.0)
                    } else {
                        String::new()
                    },
                ),
                None => ("-".to_owned(), String::new()),
            };
            let verdict = match r.verdict {
                Verdict::Ok => "ok",
                Verdict::Lower => "ok, lower: update the baseline to keep the gain",
                Verdict::Raised => "FAIL: raised beyond the tolerance",
                Verdict::NoSha256h => "FAIL: no sha256h executed",
                Verdict::Missing => "FAIL: not measured",
            };
            let _ = writeln!(
                out,
                "{:<10} {:<34} {:>14} {:>14} {:>9}  {verdict}",
                r.target, r.figure, r.baseline, measured, change
            );
        }
        let _ = writeln!(
            out,
            "count gate (tolerance {}%): {}",
            self.tolerance_percent,
            if self.passed() { "passed" } else { "FAILED" }
        );
        out
    }
}

/// Compares `results` with `baseline`; `tolerance_percent` overrides the baseline's.
pub fn check(
    results: &CountResults,
    baseline: &Baseline,
    tolerance_percent: Option<f64>,
) -> Result<Gate> {
    if results.cpu != baseline.cpu {
        return Err(Error::usage(format!(
            "the baseline was counted with -cpu {}, this run with -cpu {}",
            baseline.cpu, results.cpu
        )));
    }
    let tolerance = tolerance_percent.unwrap_or(baseline.tolerance_percent);
    let judge = |baseline: u64, measured: Option<f64>| match measured {
        None => Verdict::Missing,
        Some(m) if m > baseline as f64 * (1.0 + tolerance / 100.0) => Verdict::Raised,
        Some(m) if m < baseline as f64 * (1.0 - tolerance / 100.0) => Verdict::Lower,
        Some(_) => Verdict::Ok,
    };
    let mut rows = Vec::new();
    for (name, want) in &baseline.targets {
        let got = results.targets.iter().find(|t| &t.name == name);
        let mut row = |figure: String, baseline: u64, measured: Option<f64>, verdict: Verdict| {
            rows.push(GateRow {
                target: name.clone(),
                figure,
                baseline,
                measured,
                verdict,
            })
        };
        let init = got.map(|t| t.init.insns as f64);
        row(
            "init (exec -> GET /next)".to_owned(),
            want.init_insns,
            init,
            judge(want.init_insns, init),
        );
        for (event, want_event) in &want.events {
            let e = got.and_then(|t| t.events.iter().find(|e| &e.event == event));
            let per = e.map(|e| e.per_event.insns);
            row(
                format!("{event}: per event"),
                want_event.per_event_insns,
                per,
                judge(want_event.per_event_insns, per),
            );
            if want_event.sha256h > 0 {
                let sha = e.map(|e| e.per_event.sha256h);
                let verdict = match sha {
                    None => Verdict::Missing,
                    Some(s) if s > 0.0 => Verdict::Ok,
                    Some(_) => Verdict::NoSha256h,
                };
                row(
                    format!("{event}: sha256h per event"),
                    want_event.sha256h,
                    sha,
                    verdict,
                );
            }
        }
    }
    Ok(Gate {
        tolerance_percent: tolerance,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::Host;
    use crate::count::{Counts, EventCounts, PerEvent, TargetCounts};

    fn results(init: u64, per_event: f64, sha: f64) -> CountResults {
        CountResults {
            tool: "lambda-bench".into(),
            version: "0".into(),
            host: Host::current(),
            emulator: "qemu-aarch64 -cpu neoverse-n1".into(),
            cpu: "neoverse-n1".into(),
            invocations: [1, 3],
            targets: vec![TargetCounts {
                name: "ours".into(),
                binary: "bootstrap".into(),
                size_bytes: 1,
                threads: 1,
                runs_per_figure: 1,
                identical_runs: true,
                start_exit: Counts::default(),
                init: Counts {
                    insns: init,
                    ..Counts::default()
                },
                events: vec![EventCounts {
                    event: "p100k".into(),
                    bytes: 1000,
                    run_insns: [0, 0],
                    per_event: PerEvent {
                        insns: per_event,
                        sha256h: sha,
                        ..PerEvent::default()
                    },
                    insns_per_byte: 0.0,
                    simd_share: 0.0,
                }],
            }],
        }
    }

    #[test]
    fn a_baseline_from_a_measurement_passes_it() {
        let r = results(300_000, 62_900_000.4, 112_512.0);
        let b = Baseline::from_results(&r, 1.0);
        assert_eq!(
            b.targets["ours"].events["p100k"].per_event_insns,
            62_900_000
        );
        let gate = check(&r, &b, None).unwrap();
        assert!(gate.passed(), "{}", gate.render());
        assert!(gate
            .render()
            .ends_with("count gate (tolerance 1%): passed\n"));
    }

    #[test]
    fn a_baseline_ten_percent_lower_fails_and_says_which_figure() {
        let r = results(300_000, 1_000_000.0, 100.0);
        let mut b = Baseline::from_results(&r, 1.0);
        b.targets.get_mut("ours").unwrap().init_insns = 270_000;
        let gate = check(&r, &b, None).unwrap();
        assert!(!gate.passed());
        let table = gate.render();
        assert!(table.contains("init (exec -> GET /next)"), "{table}");
        assert!(
            table.contains("+11.11%  FAIL: raised beyond the tolerance"),
            "{table}"
        );
        // Within a looser tolerance it passes.
        assert!(check(&r, &b, Some(12.0)).unwrap().passed());
    }

    #[test]
    fn lower_passes_missing_and_no_sha256h_fail() {
        let r = results(300_000, 1_000_000.0, 0.0);
        let mut b = Baseline::from_results(&results(300_000, 1_200_000.0, 5.0), 1.0);
        let gate = check(&r, &b, None).unwrap();
        let verdicts: Vec<Verdict> = gate.rows.iter().map(|r| r.verdict).collect();
        assert_eq!(verdicts, [Verdict::Ok, Verdict::Lower, Verdict::NoSha256h]);
        assert!(!gate.passed());
        b.targets.insert("floor".into(), b.targets["ours"].clone());
        let gate = check(&results(300_000, 1_000_000.0, 1.0), &b, None).unwrap();
        assert!(gate
            .rows
            .iter()
            .any(|r| r.target == "floor" && r.verdict == Verdict::Missing));
        assert!(!gate.passed());
    }

    #[test]
    fn another_cpu_model_is_refused() {
        let r = results(1, 1.0, 0.0);
        let mut b = Baseline::from_results(&r, 1.0);
        b.cpu = "cortex-a72".into();
        let err = check(&r, &b, None).unwrap_err().to_string();
        assert_eq!(
            err,
            "the baseline was counted with -cpu cortex-a72, this run with -cpu neoverse-n1"
        );
    }

    #[test]
    fn round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let b = Baseline::from_results(&results(1, 2.0, 3.0), 1.5);
        b.write(&path).unwrap();
        assert_eq!(Baseline::read(&path).unwrap(), b);
        std::fs::write(&path, "[]").unwrap();
        assert!(Baseline::read(&path)
            .unwrap_err()
            .to_string()
            .contains("not a count baseline"));
    }
}
