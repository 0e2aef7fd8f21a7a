use std::fmt::Write;

use super::{rows, Exporter};
use crate::benchmark::RunResults;
use crate::error::Result;

/// A Markdown table per target (for READMEs and PR comments) plus the comparisons.
pub struct MarkdownExporter;

impl Exporter for MarkdownExporter {
    fn serialize(&self, results: &RunResults) -> Result<Vec<u8>> {
        let mut out = String::new();
        for t in &results.targets {
            let _ = writeln!(
                out,
                "### {} ({} mode, {} MB)\n",
                t.name, results.mode, t.memory_size_mb
            );
            let _ = writeln!(
                out,
                "| Figure | n | min | p50 | p90 | p99 | max | mean ± σ |"
            );
            let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|");
            for (label, summary, unit) in rows(&t.summaries) {
                let Some(s) = summary else { continue };
                let _ = writeln!(
                    out,
                    "| {label} | {} | {} | {} | {} | {} | {} | {} ± {} |",
                    s.count,
                    unit.format(s.min),
                    unit.format(s.p50),
                    unit.format(s.p90),
                    unit.format(s.p99),
                    unit.format(s.max),
                    unit.format(s.mean),
                    unit.format(s.stddev)
                );
            }
            out.push('\n');
        }
        let comparisons = super::render_comparisons(&results.comparisons);
        if !comparisons.is_empty() {
            let _ = writeln!(out, "```text\n{comparisons}```");
        }
        Ok(out.into_bytes())
    }
}
