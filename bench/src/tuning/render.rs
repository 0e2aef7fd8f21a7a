//! A sweep as text: the same rows as an aligned terminal table or a Markdown table, then the
//! picks, the prices and the cold-start share they assume.

use std::fmt::Write;

use super::{SizeFigures, SweepResults};
use crate::export::format_ms;

const HEADER: [&str; 8] = [
    "Memory",
    "warm p50",
    "warm p99",
    "cold start p50",
    "Billed warm",
    "Billed cold",
    "Max Memory Used",
    "$ per 1M",
];

/// The cells of one size's row.
fn cells(s: &SizeFigures) -> [String; 8] {
    let ms = |v: Option<f64>| v.map_or("-".to_owned(), format_ms);
    let used = match s.max_memory_used_mb {
        Some(used) => format!(
            "{used} MB ({:.0} %){}",
            100.0 * used as f64 / s.memory_mb.max(1) as f64,
            if s.low_headroom { " !" } else { "" }
        ),
        None => "-".into(),
    };
    [
        format!("{} MB", s.memory_mb),
        ms(s.warm_duration_ms.map(|d| d.p50)),
        ms(s.warm_duration_ms.map(|d| d.p99)),
        ms(s.cold_start_ms.map(|d| d.p50)),
        ms(s.warm_billed_ms),
        ms(s.cold_billed_ms),
        used,
        s.cost_per_million
            .map_or("-".to_owned(), |c| format!("{c:.4}")),
    ]
}

/// The lines after the table: picks, exclusions, the inputs of the cost.
fn notes(r: &SweepResults) -> Vec<String> {
    let rec = &r.recommendation;
    let find = |mb: Option<u64>| r.sizes.iter().find(|s| Some(s.memory_mb) == mb);
    let pick = |name: &str, mb: Option<u64>| match find(mb) {
        Some(s) => format!(
            "{name}: {} MB ({} warm p50, ${:.4} per million)",
            s.memory_mb,
            s.warm_duration_ms.map_or("-".into(), |d| format_ms(d.p50)),
            s.cost_per_million.unwrap_or(f64::NAN)
        ),
        None => format!("{name}: none (no size qualifies)"),
    };
    let j = &r.judging;
    let mut lines = vec![
        pick("cheapest", rec.cheapest),
        pick("fastest ", rec.fastest),
        pick("balanced", rec.balanced) + &format!("; {}", rec.rule),
    ];
    for e in &rec.excluded {
        lines.push(format!("not recommended: {} MB, {}", e.memory_mb, e.reason));
    }
    if r.sizes.iter().any(|s| s.low_headroom) {
        lines.push(format!(
            "!: Max Memory Used above {:.0} % of the size (headroom under {:.0} %)",
            100.0 * (1.0 - j.headroom),
            100.0 * j.headroom
        ));
    }
    lines.push(format!(
        "cost per million = 10^6 × ((1 − {cs}) × cost(Billed warm) + {cs} × cost(Billed cold, Init included)); \
         cost(b) = b/1000 s × MB/1024 × ${} per GB-s + ${} per 1M requests / 10^6 ({}, {})",
        j.pricing.per_gb_second,
        j.pricing.per_million_requests,
        j.pricing.architecture,
        j.pricing.source,
        cs = j.cold_share,
    ));
    lines.push(r.restored.clone());
    lines
}

/// The aligned table and the notes, for the terminal.
pub fn table(r: &SweepResults) -> String {
    let rows: Vec<[String; 8]> = r.sizes.iter().map(cells).collect();
    let header = HEADER.map(str::to_owned);
    let widths: Vec<usize> = (0..8)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!(
        "{} (cold-start share {} %)\n",
        r.title,
        100.0 * r.judging.cold_share
    );
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:>w$}"))
            .collect();
        let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    }
    out.push('\n');
    for line in notes(r) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The same as Markdown.
pub fn markdown(r: &SweepResults) -> String {
    let mut out = format!(
        "### {} (cold-start share {} %)\n\n| {} |\n|{}\n",
        r.title,
        100.0 * r.judging.cold_share,
        HEADER.join(" | "),
        "--:|".repeat(HEADER.len())
    );
    for s in &r.sizes {
        let _ = writeln!(out, "| {} |", cells(s).join(" | "));
    }
    out.push('\n');
    for line in notes(r) {
        let _ = writeln!(out, "- {line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Kind, Sample, TargetResult};
    use crate::tuning::cost::Pricing;
    use crate::tuning::Judging;

    fn target(memory_mb: u64, warm_ms: f64, used_mb: u64) -> TargetResult {
        let mut t = TargetResult::new(format!("{memory_mb} MB"), "f:a".into(), memory_mb);
        for (kind, init) in [
            (Kind::Cold, Some(10.0)),
            (Kind::Warm, None),
            (Kind::Warm, None),
        ] {
            t.samples.push(Sample {
                event: "seed".into(),
                billed_ms: Some(warm_ms.ceil() as u64),
                max_memory_bytes: Some(used_mb << 20),
                ..Sample::ok(kind, init, warm_ms)
            });
        }
        t.summarize();
        t
    }

    #[test]
    fn table_and_markdown_show_every_size_the_picks_and_the_inputs() {
        let judging = Judging {
            pricing: Pricing::defaults("arm64"),
            cold_share: 0.01,
            headroom: 0.2,
            balance_weight: 0.5,
        };
        let r = SweepResults::new(
            "Memory sweep of txfn (was 256 MB)".into(),
            "txfn".into(),
            256,
            vec![
                target(128, 40.0, 110),
                target(256, 20.0, 110),
                target(512, 10.0, 110),
            ],
            judging,
            "txfn restored".into(),
        );
        let text = table(&r);
        assert!(
            text.contains("Memory sweep of txfn (was 256 MB) (cold-start share 1 %)"),
            "{text}"
        );
        assert!(text.contains("110 MB (86 %) !"), "{text}");
        assert!(text.contains("110 MB (43 %)"), "{text}");
        assert!(
            text.contains("not recommended: 128 MB, Max Memory Used 110 MB"),
            "{text}"
        );
        assert!(
            text.contains("fastest : 512 MB (10.00 ms warm p50"),
            "{text}"
        );
        assert!(text.contains("$0.0000133334 per GB-s"), "{text}");
        assert!(text.contains("aws.amazon.com/lambda/pricing"), "{text}");
        assert!(text.ends_with("txfn restored\n"), "{text}");
        let md = markdown(&r);
        assert!(md.contains("| Memory | warm p50 |"), "{md}");
        assert_eq!(md.matches("\n| ").count(), 4, "header + 3 sizes: {md}");
        assert!(md.contains("- cheapest: "), "{md}");
    }
}
