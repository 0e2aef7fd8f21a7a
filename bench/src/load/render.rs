//! A load run as text: the terminal table and Markdown, with the notes and mismatches under
//! them and the load-average warnings on top.

use std::fmt::Write;

use super::results::{LoadResult, LoadResults};
use crate::export::format_ms;

const HEADERS: [&str; 12] = [
    "bootstrap",
    "event",
    "bytes",
    "N",
    "in flight",
    "events/s",
    "p50",
    "p99",
    "CPU/event",
    "peak RSS",
    "polls",
    "errors",
];

/// One row's cells, in [`HEADERS`] order.
fn cells(r: &LoadResult) -> [String; 12] {
    let (p50, p99) = match r.latency_ms {
        Some(l) => (format_ms(l.p50), format_ms(l.p99)),
        None => ("-".into(), "-".into()),
    };
    let polls = if r.polls_open_max < u64::from(r.max_concurrency) {
        format!("{} (!)", r.polls_open_max)
    } else {
        r.polls_open_max.to_string()
    };
    [
        r.label.clone(),
        r.event.clone(),
        r.event_bytes.to_string(),
        r.max_concurrency.to_string(),
        r.in_flight.to_string(),
        format!("{:.1}", r.events_per_s),
        p50,
        p99,
        format_ms(r.cpu_ms_per_event),
        format!("{:.1} MiB", r.peak_rss_mb),
        polls,
        format!("{} / {}", r.errors, r.events.max(r.errors)),
    ]
}

/// The terminal table: columns padded to fit, numbers right-aligned.
pub fn table(results: &LoadResults) -> String {
    let mut out = String::new();
    for warning in results.load_warnings() {
        let _ = writeln!(out, "WARNING: {warning}");
    }
    let rows: Vec<[String; 12]> = results.results.iter().map(cells).collect();
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w - cell.chars().count();
            if i < 2 {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
            text.push_str("  ");
        }
        text.trim_end().to_owned()
    };
    let headers = HEADERS.map(str::to_owned);
    let _ = writeln!(out, "{}", line(&headers));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    out.push_str(&notes(results));
    out
}

/// The run as Markdown: a header line on where it ran, the table, the notes.
pub fn markdown(results: &LoadResults) -> String {
    let mut out = String::new();
    let commit = results.commit.as_deref().map(|c| &c[..c.len().min(12)]);
    let _ = writeln!(
        out,
        "Load run on {} {} with {} CPUs{}; load average before {}, after {}; CPU time tick {} ms.\n",
        results.host.os,
        results.host.arch,
        results.host.cpus,
        commit.map(|c| format!(", commit {c}")).unwrap_or_default(),
        average(results.load_average_before),
        average(results.load_average_after),
        results.cpu_tick_ms,
    );
    for warning in results.load_warnings() {
        let _ = writeln!(out, "> **Warning:** {warning}\n");
    }
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|---|---|{}", "--:|".repeat(HEADERS.len() - 2));
    for r in &results.results {
        let _ = writeln!(out, "| {} |", cells(r).join(" | "));
    }
    let notes = notes(results);
    if !notes.is_empty() {
        let _ = writeln!(out, "\n```text\n{notes}```");
    }
    out
}

fn average(avg: Option<[f64; 3]>) -> String {
    avg.map_or("unknown".into(), |a| {
        format!("{:.2} {:.2} {:.2}", a[0], a[1], a[2])
    })
}

/// Everything that went wrong, per measurement.
fn notes(results: &LoadResults) -> String {
    let mut out = String::new();
    for r in &results.results {
        if r.notes.is_empty() && r.mismatches.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} on {} at N={}:",
            r.label, r.event, r.max_concurrency
        );
        for line in r.notes.iter().chain(&r.mismatches) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if results.results.iter().any(|r| r.emulated) {
        out.push_str(
            "Bootstraps under an emulator: their CPU time and peak RSS are the emulator's.\n",
        );
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::benchmark::Host;
    use crate::load::Latency;

    pub(crate) fn result(label: &str, n: u32, per_s: f64) -> LoadResult {
        LoadResult {
            label: label.into(),
            event: "seed-3tx.json".into(),
            event_bytes: 176,
            max_concurrency: n,
            events: 2000,
            wall_s: 2000.0 / per_s,
            events_per_s: per_s,
            latency_ms: Some(Latency {
                p50: 0.5,
                p99: 1.25,
            }),
            cpu_ms_per_event: 0.11,
            peak_rss_mb: 6.2,
            polls_open_max: u64::from(n),
            errors: 0,
            in_flight: n as usize,
            warmup: 200,
            emulated: false,
            mismatches: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn results(rows: Vec<LoadResult>) -> LoadResults {
        LoadResults {
            tool: "lambda-bench".into(),
            version: "0.1.0".into(),
            host: Host {
                arch: "x86_64".into(),
                os: "linux".into(),
                cpus: 2,
            },
            commit: Some("0123456789abcdef".into()),
            load_average_before: Some([0.5, 0.4, 0.3]),
            load_average_after: Some([1.5, 0.9, 0.4]),
            cpu_tick_ms: 10.0,
            results: rows,
        }
    }

    #[test]
    fn table_aligns_and_flags_missing_polls_and_errors() {
        let mut short = result("theirs", 4, 900.0);
        short.polls_open_max = 1;
        short.errors = 3;
        short.notes.push("opened 1 of 4 polls within 3s".into());
        short
            .mismatches
            .push("#7: expected a success, got timeout".into());
        let text = table(&results(vec![result("ours", 2, 1650.0), short]));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("WARNING: load average after the run was 1.50"));
        assert!(lines[1].starts_with("bootstrap  event"), "{text}");
        assert!(lines[2].starts_with("ours       seed-3tx.json"), "{text}");
        assert_eq!(
            lines[2],
            "ours       seed-3tx.json    176  2          2    1650.0  0.500 ms  1.250 ms   \
             0.110 ms   6.2 MiB      2  0 / 2000"
        );
        assert!(lines[3].contains("1 (!)"), "{text}");
        assert!(lines[3].ends_with("3 / 2000"), "{text}");
        assert_eq!(lines[1].len(), lines[2].len(), "{text}");
        assert_eq!(lines[4], "theirs on seed-3tx.json at N=4:");
        assert_eq!(lines[5], "  opened 1 of 4 polls within 3s");
        assert_eq!(lines[6], "  #7: expected a success, got timeout");
    }

    #[test]
    fn markdown_has_the_run_header_and_one_row_per_result() {
        let text = markdown(&results(vec![
            result("ours", 1, 800.0),
            result("go", 1, 700.0),
        ]));
        assert!(text.starts_with(
            "Load run on linux x86_64 with 2 CPUs, commit 0123456789ab; load average before 0.50 0.40 0.30, after 1.50 0.90 0.40"
        ), "{text}");
        assert!(text.contains("> **Warning:** load average after"));
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(
            rows[1].starts_with("| ours | seed-3tx.json | 176 | 1 | 1 | 800.0 |"),
            "{text}"
        );
        assert!(!text.contains("```"), "no notes, no block: {text}");
    }
}
