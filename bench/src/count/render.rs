//! The counts as a terminal table and as Markdown: one column per bootstrap, one row per figure
//! (both built from the same rows).

use std::fmt::Write;

use super::{CountResults, TargetCounts};

/// Rows: a label, then one cell per target.
fn rows(results: &CountResults) -> Vec<(String, Vec<String>)> {
    let ts = &results.targets;
    let cells = |f: &dyn Fn(&TargetCounts) -> String| ts.iter().map(f).collect::<Vec<_>>();
    let mut rows = vec![
        (
            "binary".to_owned(),
            cells(&|t| format!("{:.2} MiB", t.size_bytes as f64 / 1048576.0)),
        ),
        (
            "threads; runs per figure".to_owned(),
            cells(&|t| match t.runs_per_figure {
                1 => format!("{}; 1", t.threads),
                n => format!("{}; median of {n}", t.threads),
            }),
        ),
        (
            "run to exit, no event".to_owned(),
            cells(&|t| group(t.start_exit.insns as f64)),
        ),
        (
            "init: exec -> GET /next written".to_owned(),
            cells(&|t| group(t.init.insns as f64)),
        ),
    ];
    let events: Vec<(&str, u64)> = ts
        .first()
        .map(|t| {
            t.events
                .iter()
                .map(|e| (e.event.as_str(), e.bytes))
                .collect()
        })
        .unwrap_or_default();
    for (name, bytes) in events {
        let find = |t: &TargetCounts| t.events.iter().find(|e| e.event == name).cloned();
        let cell = |f: &dyn Fn(&super::EventCounts) -> String| {
            ts.iter()
                .map(|t| find(t).map(|e| f(&e)).unwrap_or_else(|| "-".to_owned()))
                .collect::<Vec<_>>()
        };
        rows.push((
            format!("{name} ({}): per event", size(bytes)),
            cell(&|e| group(e.per_event.insns)),
        ));
        rows.push((
            format!("{name}: per input byte"),
            cell(&|e| format!("{:.2}", e.insns_per_byte)),
        ));
        rows.push((
            format!("{name}: SIMD&FP (NEON) share"),
            cell(&|e| format!("{:.1} %", e.simd_share * 100.0)),
        ));
        rows.push((
            format!("{name}: sha256h (all SHA-256 insns)"),
            cell(&|e| {
                format!(
                    "{} ({})",
                    group(e.per_event.sha256h),
                    group(e.per_event.sha256_all)
                )
            }),
        ));
        let mnemonics: Vec<String> = ts
            .iter()
            .filter_map(find)
            .flat_map(|e| e.per_event.mnemonics.keys().cloned().collect::<Vec<_>>())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for m in mnemonics {
            rows.push((
                format!("{name}: {m}"),
                cell(&|e| {
                    e.per_event
                        .mnemonics
                        .get(&m)
                        .map(|&v| group(v))
                        .unwrap_or_default()
                }),
            ));
        }
    }
    rows.push((
        "runs identical".to_owned(),
        cells(&|t| if t.identical_runs { "yes" } else { "no" }.to_owned()),
    ));
    rows
}

fn title(results: &CountResults) -> String {
    format!(
        "AArch64 instructions executed, {} (exact counts of the modelled core, not timings; per \
         event = (run with {} events - run with {}) / {})",
        results.emulator,
        results.invocations[1],
        results.invocations[0],
        results.invocations[1] - results.invocations[0]
    )
}

/// The terminal table.
pub fn table(results: &CountResults) -> String {
    let rows = rows(results);
    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let width = |i: usize| {
        rows.iter()
            .map(|(_, c)| c[i].len())
            .chain([results.targets[i].name.len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..results.targets.len()).map(width).collect();
    let mut out = String::new();
    let _ = writeln!(out, "{}", title(results));
    let _ = write!(out, "{:<label_width$}", "");
    for (t, w) in results.targets.iter().zip(&widths) {
        let _ = write!(out, "  {:>w$}", t.name);
    }
    out.push('\n');
    for (label, cells) in &rows {
        let _ = write!(out, "{label:<label_width$}");
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {c:>w$}");
        }
        out.push('\n');
    }
    out
}

/// The Markdown table.
pub fn markdown(results: &CountResults) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", title(results));
    let names: Vec<&str> = results.targets.iter().map(|t| t.name.as_str()).collect();
    let _ = writeln!(out, "| | {} |", names.join(" | "));
    let _ = writeln!(out, "|---|{}", "--:|".repeat(names.len()));
    for (label, cells) in rows(results) {
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }
    out
}

/// 1234567.4 -> "1,234,567" (fractions shown only when an odd difference leaves one).
fn group(value: f64) -> String {
    let half = (value.fract().abs() - 0.5).abs() < 0.25;
    let (whole, frac) = if half {
        (value.trunc(), ".5")
    } else {
        (value.round(), "")
    };
    let digits = format!("{}", whole.abs() as u64);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{out}{frac}")
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0.0), "0");
        assert_eq!(group(71854.0), "71,854");
        assert_eq!(group(62_912_345.5), "62,912,345.5");
        assert_eq!(group(-1234.0), "-1,234");
        assert_eq!(size(5_100_000), "5.1 MB");
        assert_eq!(size(268), "268 B");
    }
}
