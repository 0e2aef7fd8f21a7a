//! Writing results: the terminal table, Markdown and JSON, one file per format, each behind
//! the one [`Exporter`] trait.

mod json;
mod markdown;
mod table;

pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use table::{format_ms, render_comparisons, render_target, TableExporter};

use crate::benchmark::{RunResults, Summaries};
use crate::error::Result;
use crate::stats::Summary;

/// Turns a run into bytes of one format.
pub trait Exporter {
    fn serialize(&self, results: &RunResults) -> Result<Vec<u8>>;
}

/// Rows of the summary table: label, figure, unit.
pub(crate) fn rows(s: &Summaries) -> [(&'static str, Option<Summary>, Unit); 6] {
    [
        ("Init Duration", s.init_ms, Unit::Ms),
        ("Duration (cold)", s.cold_duration_ms, Unit::Ms),
        ("Init + Duration (cold)", s.cold_start_ms, Unit::Ms),
        ("Duration (warm)", s.warm_duration_ms, Unit::Ms),
        ("Max Memory Used (cold)", s.cold_memory_mb, Unit::Mb),
        ("Max Memory Used (warm)", s.warm_memory_mb, Unit::Mb),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Ms,
    Mb,
}

impl Unit {
    pub(crate) fn format(self, value: f64) -> String {
        match self {
            Unit::Ms => format_ms(value),
            Unit::Mb => format!("{value:.0} MB"),
        }
    }
}
