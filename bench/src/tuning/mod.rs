//! Which memory size? The figures of a memory sweep (one [`TargetResult`] per size), priced
//! ([`cost`]), ranked ([`recommend`]), and written out: terminal table and Markdown
//! ([`render`]), JSON (the [`SweepResults`] document), SVG ([`plot`], feature `plot`).
//! [`model`] prices a local run the same way, for when there is no account to sweep on.
//! Nothing here talks to AWS: the sweep itself is `cloud::sweep`.

pub mod cost;
pub mod model;
#[cfg(feature = "plot")]
pub mod plot;
pub mod recommend;
pub mod render;

use serde::{Deserialize, Serialize};

use crate::benchmark::{bytes_to_mb, Kind, TargetResult};
use crate::stats::Summary;
use cost::{billed_ms, Pricing};
use recommend::Recommendation;

/// How the sizes are priced and judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judging {
    pub pricing: Pricing,
    /// Share of invocations that are cold starts, 0..=1.
    pub cold_share: f64,
    /// Free memory a size must keep above the highest Max Memory Used, as a share of the
    /// size (0.2: at most 80 % used), or it is flagged and not recommended.
    pub headroom: f64,
    /// Weight of cost against speed in the balanced pick, 0..=1 (see [`recommend`]).
    pub balance_weight: f64,
}

/// One size's figures: speed, billing, memory, cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeFigures {
    pub memory_mb: u64,
    pub invocations: usize,
    /// Invocations that were not answered (crash, timeout, ...): such a size is not recommended.
    pub failures: usize,
    pub warm_duration_ms: Option<Summary>,
    /// Init Duration + Duration of the cold starts.
    pub cold_start_ms: Option<Summary>,
    /// Mean Billed Duration of warm invocations (the mean: cost is linear in it).
    pub warm_billed_ms: Option<f64>,
    /// Mean Billed Duration of cold starts, Init included.
    pub cold_billed_ms: Option<f64>,
    /// The highest Max Memory Used of any invocation.
    pub max_memory_used_mb: Option<u64>,
    /// Max Memory Used above `(1 - headroom) × size`.
    pub low_headroom: bool,
    /// $ per million invocations at the cold-start share; a missing cold (or warm) figure is
    /// stood in for by the other.
    pub cost_per_million: Option<f64>,
}

impl SizeFigures {
    pub fn of(t: &TargetResult, judging: &Judging) -> SizeFigures {
        let answered = || t.samples.iter().filter(|s| s.status.answered());
        let mean_billed = |kind: Kind| {
            let billed: Vec<f64> = answered()
                .filter(|s| s.kind == kind)
                .filter_map(|s| Some(billed_ms(s.billed_ms, s.duration_ms?, s.init_ms)))
                .collect();
            (!billed.is_empty()).then(|| billed.iter().sum::<f64>() / billed.len() as f64)
        };
        let warm_billed_ms = mean_billed(Kind::Warm);
        let cold_billed_ms = mean_billed(Kind::Cold);
        let max_memory_used_mb = answered()
            .filter_map(|s| s.max_memory_bytes.map(bytes_to_mb))
            .max();
        let memory_mb = t.memory_size_mb;
        let cost_per_million = match (warm_billed_ms, cold_billed_ms) {
            (None, None) => None,
            (warm, cold) => {
                let (warm, cold) = (warm.or(cold).unwrap_or(0.0), cold.or(warm).unwrap_or(0.0));
                Some(
                    judging
                        .pricing
                        .per_million(memory_mb, warm, cold, judging.cold_share),
                )
            }
        };
        SizeFigures {
            memory_mb,
            invocations: t.samples.len(),
            failures: t.failures().count(),
            warm_duration_ms: t.summaries.warm_duration_ms,
            cold_start_ms: t.summaries.cold_start_ms,
            warm_billed_ms,
            cold_billed_ms,
            max_memory_used_mb,
            low_headroom: max_memory_used_mb
                .is_some_and(|used| used as f64 > (1.0 - judging.headroom) * memory_mb as f64),
            cost_per_million,
        }
    }
}

/// A whole sweep: the JSON document `--json` writes in sweep mode.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepResults {
    pub tool: String,
    pub version: String,
    /// What was swept, how: the heading of the table.
    pub title: String,
    pub function: String,
    /// The memory size the function had before the sweep, and has again after it.
    pub original_memory_mb: u64,
    pub judging: Judging,
    pub sizes: Vec<SizeFigures>,
    pub recommendation: Recommendation,
    /// What the restore did.
    pub restored: String,
    /// Every sample of every size.
    pub targets: Vec<TargetResult>,
}

impl SweepResults {
    pub fn new(
        title: String,
        function: String,
        original_memory_mb: u64,
        targets: Vec<TargetResult>,
        judging: Judging,
        restored: String,
    ) -> SweepResults {
        let sizes: Vec<SizeFigures> = targets
            .iter()
            .map(|t| SizeFigures::of(t, &judging))
            .collect();
        let recommendation = recommend::recommend(&sizes, judging.balance_weight);
        SweepResults {
            tool: "lambda-bench".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            title,
            function,
            original_memory_mb,
            judging,
            sizes,
            recommendation,
            restored,
            targets,
        }
    }

    /// Every invocation of every size was answered.
    pub fn clean(&self) -> bool {
        self.sizes.iter().all(|s| s.failures == 0)
    }
}
