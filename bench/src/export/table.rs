//! The terminal summary: the first answer to each event, one block per target, then the
//! comparisons.

use std::fmt::Write;

use super::{rows, Exporter};
use crate::benchmark::{Comparison, Figure, RunResults, Status, TargetResult};
use crate::error::Result;

/// What the terminal shows after a run.
pub struct TableExporter {
    /// Print the first answer to each event before the tables.
    pub answers: bool,
}

impl Exporter for TableExporter {
    fn serialize(&self, results: &RunResults) -> Result<Vec<u8>> {
        let mut out = String::new();
        let answered = results.targets.iter().filter(|t| !t.answers.is_empty());
        for t in answered.filter(|_| self.answers) {
            let _ = writeln!(out, "Answers of {}:", t.name);
            for a in &t.answers {
                let _ = writeln!(
                    out,
                    "  {:<24} {:<15} {}",
                    a.event,
                    format!("{:?}", a.status),
                    a.text
                );
            }
            out.push('\n');
        }
        for t in &results.targets {
            out.push_str(&render_target(t));
            out.push('\n');
        }
        out.push_str(&render_comparisons(&results.comparisons));
        Ok(out.into_bytes())
    }
}

/// Milliseconds with a precision that suits the magnitude (0.052 ms, 12.3 ms, 1234 ms).
pub fn format_ms(value: f64) -> String {
    match value {
        v if v < 10.0 => format!("{v:.3} ms"),
        v if v < 100.0 => format!("{v:.2} ms"),
        v if v < 1000.0 => format!("{v:.1} ms"),
        v => format!("{v:.0} ms"),
    }
}

/// A target's block: header, min/p50/p90/p99/max/mean ± σ per figure, and the outcome counts.
pub fn render_target(t: &TargetResult) -> String {
    let mut out = String::new();
    let size = t
        .size_bytes
        .map(|b| format!(", {:.2} MiB", b as f64 / 1048576.0))
        .unwrap_or_default();
    let how = if t.emulated {
        format!(
            ", emulated by {}",
            t.argv.first().map(String::as_str).unwrap_or("?")
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} ({}{size}{how}), Memory Size {} MB",
        t.name, t.source, t.memory_size_mb
    );
    let _ = writeln!(
        out,
        "  {:<24}{:>5} {:>11} {:>11} {:>11} {:>11} {:>11}   mean ± σ",
        "", "n", "min", "p50", "p90", "p99", "max"
    );
    for (label, summary, unit) in rows(&t.summaries) {
        let Some(s) = summary else { continue };
        let _ = writeln!(
            out,
            "  {:<24}{:>5} {:>11} {:>11} {:>11} {:>11} {:>11}   {} ± {}",
            label,
            s.count,
            unit.format(s.min),
            unit.format(s.p50),
            unit.format(s.p90),
            unit.format(s.p99),
            unit.format(s.max),
            unit.format(s.mean),
            unit.format(s.stddev),
        );
    }
    let answered = t.samples.iter().filter(|s| s.status.answered()).count();
    let mut counts = format!("  {answered}/{} answered", t.samples.len());
    for (status, label) in [
        (Status::FunctionError, "function errors"),
        (Status::Timeout, "timeouts"),
        (Status::Crash, "crashes"),
        (Status::InitError, "init errors"),
        (Status::InitCrash, "init crashes"),
        (Status::InitTimeout, "init timeouts"),
    ] {
        let n = t.count(status);
        if n > 0 {
            let _ = write!(counts, ", {n} {label}");
        }
    }
    let _ = writeln!(out, "{counts}");
    for (label, summary) in [
        ("Duration (warm)", t.summaries.warm_duration_ms),
        ("Init Duration", t.summaries.init_ms),
    ] {
        if let Some(s) = summary.filter(has_outliers) {
            let _ = writeln!(
                out,
                "  warning: {label} has outliers (max {} is {:.0}x the median): other load on this machine? \
                 more runs or a quieter machine give steadier figures",
                format_ms(s.max),
                s.max / s.p50
            );
        }
    }
    if t.emulated {
        let _ = writeln!(
            out,
            "  note: EMULATED: these timings and memory are the emulator's (durations include \
             translation, memory includes qemu itself), not the function's on Graviton; exact \
             instruction counts: lambda-bench count"
        );
    }
    for reason in &t.aborted {
        let _ = writeln!(out, "  stopped early: {reason}");
    }
    out
}

/// Like hyperfine's outlier warning: a max far beyond the median in a decent sample.
fn has_outliers(s: &crate::stats::Summary) -> bool {
    s.count >= 10 && s.p50 > 0.0 && s.max > 10.0 * s.p50
}

/// hyperfine-style "X ± Y times faster than" lines for each compared figure.
pub fn render_comparisons(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    for c in comparisons {
        let (what, verb) = match c.figure {
            Figure::WarmDurationMs => ("Duration (warm)", "faster"),
            Figure::ColdStartMs => ("Init + Duration (cold)", "faster"),
            Figure::InitMs => ("Init Duration", "faster"),
            Figure::WarmMemoryMb => ("Max Memory Used (warm)", "smaller"),
        };
        let _ = writeln!(out, "{what}: {} was", c.fastest);
        for (name, r) in &c.ratios {
            let _ = writeln!(
                out,
                "    {:.2} ± {:.2} times {verb} than {name} (ratio of medians {:.2})",
                r.value, r.stddev, r.median
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_precision() {
        assert_eq!(format_ms(0.0523), "0.052 ms");
        assert_eq!(format_ms(12.345), "12.35 ms");
        assert_eq!(format_ms(123.45), "123.5 ms");
        assert_eq!(format_ms(3000.2), "3000 ms");
    }
}
