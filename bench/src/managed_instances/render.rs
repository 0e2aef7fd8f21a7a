//! A comparison as text: a summary line per contender (break-even), then per contender its
//! environment and a row per rate; the same as an aligned terminal table or Markdown.

use std::fmt::Write;

use super::{ContenderCosts, CostComparison, RateCosts};

const HEADER: [&str; 7] = [
    "requests/s",
    "LMI instances",
    "LMI $/month",
    "LMI $/1M",
    "Lambda $/month",
    "Lambda $/1M",
    "cheaper",
];

/// A rate as written in tables: no needless decimals.
pub fn format_rate(rate: f64) -> String {
    match rate {
        r if r >= 100.0 || r == r.trunc() => format!("{r:.0}"),
        r if r >= 1.0 => format!("{r:.1}"),
        r => format!("{r:.3}"),
    }
}

fn money(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn cells(r: &RateCosts) -> [String; 7] {
    [
        format_rate(r.rate),
        r.lmi.instances.to_string(),
        money(r.lmi.total),
        r.lmi_per_million.map_or("-".into(), |v| format!("{v:.4}")),
        money(r.lambda_per_month),
        format!("{:.4}", r.lambda_per_million),
        r.cheaper().into(),
    ]
}

/// The break-even sentence of a contender.
pub fn break_even_line(c: &ContenderCosts) -> String {
    match &c.break_even {
        Some(be) if (be.for_good - be.first).abs() > 1e-9 * be.first => format!(
            "break-even {} requests/s ({} instances); LMI cheaper at every rate above {} requests/s",
            format_rate(be.first),
            be.instances,
            format_rate(be.for_good)
        ),
        Some(be) => format!(
            "break-even {} requests/s ({} instances); LMI cheaper at every rate above it",
            format_rate(be.first),
            be.instances
        ),
        None => "no break-even: per-request Lambda is cheaper at every rate (an instance costs more \
                 than the per-request bill of the load it serves)"
            .into(),
    }
}

/// Lines describing a contender: figures, environment, per-request billing, floor.
fn describe(c: &ContenderCosts, cmp: &CostComparison) -> Vec<String> {
    let f = &c.contender;
    let e = &c.environment;
    let p = &f.per_request;
    let s = &cmp.settings;
    vec![
        format!(
            "{:.4} CPU-ms per event, {:.1} MB peak RSS at N = {} ({})",
            f.cpu_ms_per_event, f.peak_rss_mb, f.max_concurrency, f.from
        ),
        format!(
            "LMI environment: {} vCPU, {} MB ({} busy at N = {}), {} per instance, {} requests/s each at {:.0} % \
             utilisation; floor {} instances, ${} per month",
            e.vcpus,
            e.memory_mb,
            e.busy_vcpus,
            f.max_concurrency,
            e.per_instance,
            format_rate(e.requests_per_s),
            100.0 * s.sizing.target_utilization,
            s.sizing.min_instances,
            money(c.floor_per_month)
        ),
        format!(
            "per-request Lambda at {} MB: Billed {} ms warm, {}; ${:.4} per million ({})",
            p.memory_mb,
            p.warm_billed_ms,
            p.cold_billed_ms.map_or("no cold start measured".into(), |v| format!("{v} ms cold")),
            p.per_million,
            p.from
        ),
        break_even_line(c),
    ]
}

fn heading(cmp: &CostComparison) -> String {
    let s = &cmp.settings;
    let i = &s.lmi.instance;
    let plan = if s.lmi.savings_plan > 0.0 {
        format!(", Savings Plan −{:.0} %", 100.0 * s.lmi.savings_plan)
    } else {
        String::new()
    };
    format!(
        "{}: LMI on {} ({} vCPUs, {} GiB, ${}/h on-demand in {}{plan}) against per-request Lambda at {} MB ({})",
        cmp.title, i.name, i.vcpus, i.memory_gib, i.on_demand_per_hour, s.region, s.lambda_memory_mb,
        s.lambda_pricing.architecture
    )
}

fn sources(cmp: &CostComparison) -> Vec<String> {
    let s = &cmp.settings;
    let mut lines = vec![
        format!(
            "LMI $/month = instances × ${}/h × 730 × (1 − {} Savings Plan) + instances × ${}/h × 730 × {} fee \
             + requests × ${} / 10^6; instance price: {}",
            s.lmi.instance.on_demand_per_hour,
            s.lmi.savings_plan,
            s.lmi.instance.on_demand_per_hour,
            s.lmi.management_fee,
            s.lmi.per_million_requests,
            s.lmi.instance.price_source
        ),
        format!(
            "Lambda $/month = requests × $ per million / 10^6 at cold-start share {}; ${} per GB-s, ${} per 1M \
             requests ({})",
            s.cold_share,
            s.lambda_pricing.per_gb_second,
            s.lambda_pricing.per_million_requests,
            s.lambda_pricing.source
        ),
    ];
    lines.extend(cmp.notes.iter().cloned());
    lines
}

/// The aligned terminal table.
pub fn table(cmp: &CostComparison) -> String {
    let mut out = format!("{}\n", heading(cmp));
    for c in &cmp.contenders {
        let _ = writeln!(out, "\n{}", c.contender.label);
        for line in describe(c, cmp) {
            let _ = writeln!(out, "  {line}");
        }
        let rows: Vec<[String; 7]> = c.rates.iter().map(cells).collect();
        let widths: Vec<usize> = (0..7)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([HEADER[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:>w$}"))
                .collect::<Vec<_>>()
                .join("  ")
        };
        let _ = writeln!(out, "  {}", line(&HEADER.map(String::from)));
        for r in &rows {
            let _ = writeln!(out, "  {}", line(r));
        }
    }
    out.push('\n');
    for line in sources(cmp) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The same as Markdown: a break-even summary, then a table per contender.
pub fn markdown(cmp: &CostComparison) -> String {
    let mut out = format!("### {}\n\n", heading(cmp));
    out.push_str("| contender | CPU-ms per event | peak RSS | N | Lambda $/1M | break-even (requests/s) | LMI cheaper above |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for c in &cmp.contenders {
        let f = &c.contender;
        let (first, good) = c.break_even.map_or(("none".into(), "never".into()), |b| {
            (format_rate(b.first), format_rate(b.for_good))
        });
        let _ = writeln!(
            out,
            "| {} | {:.4} | {:.1} MB | {} | {:.4} | {first} | {good} |",
            f.label,
            f.cpu_ms_per_event,
            f.peak_rss_mb,
            f.max_concurrency,
            f.per_request.per_million
        );
    }
    for c in &cmp.contenders {
        let _ = writeln!(out, "\n#### {}\n", c.contender.label);
        for line in describe(c, cmp) {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "\n| {} |", HEADER.join(" | "));
        let _ = writeln!(out, "|{}", "---:|".repeat(HEADER.len()));
        for r in &c.rates {
            let _ = writeln!(out, "| {} |", cells(r).join(" | "));
        }
    }
    out.push('\n');
    for line in sources(cmp) {
        let _ = writeln!(out, "- {line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed_instances::tests::sample;

    #[test]
    fn table_and_markdown_carry_every_rate_and_the_break_even() {
        let cmp = sample();
        let text = table(&cmp);
        assert!(
            text.starts_with(
                "test: LMI on c7g.xlarge (4 vCPUs, 8 GiB, $0.145/h on-demand in us-east-1)"
            ),
            "{text}"
        );
        assert!(text.contains("\nours\n"), "{text}");
        assert!(
            text.contains(
                "1 vCPU, 2048 MB (1 busy at N = 2), 3 per instance, 2500 requests/s each at 50 %"
            ),
            "{text}"
        );
        assert!(
            text.contains("floor 3 instances, $365.18 per month"),
            "{text}"
        );
        let be = cmp.contenders[0].break_even.unwrap();
        assert!(
            text.contains(&format!(
                "break-even {} requests/s (3 instances)",
                format_rate(be.first)
            )),
            "{text}"
        );
        assert!(
            text.contains("Billed 1 ms warm, 41 ms cold"),
            "go's init: {text}"
        );
        assert!(
            text.contains("Billed 1 ms warm, no cold start measured"),
            "{text}"
        );
        let row_10k = text
            .lines()
            .find(|l| l.trim_start().starts_with("10000 "))
            .unwrap();
        assert!(row_10k.trim_end().ends_with("LMI"), "{row_10k}");
        assert!(row_10k.contains(" 3 "), "{row_10k}");
        assert!(
            text.contains("instance price: https://github.com/aws-samples/"),
            "{text}"
        );
        let md = markdown(&cmp);
        assert!(md.contains("| ours | 0.2000 | 6.0 MB | 2 |"), "{md}");
        assert!(md.contains("#### go"), "{md}");
        assert_eq!(md.matches("| 10000 |").count(), 2, "{md}");
    }

    #[test]
    fn rates_are_written_plainly() {
        assert_eq!(format_rate(1234.56), "1235");
        assert_eq!(format_rate(10.0), "10");
        assert_eq!(format_rate(12.34), "12.3");
        assert_eq!(format_rate(0.25), "0.250");
    }
}
