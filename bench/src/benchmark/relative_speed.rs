//! "X ± Y times faster than" — ratios of means against the fastest target, per figure.

use serde::{Deserialize, Serialize};

use super::result::{Summaries, TargetResult};
use crate::stats::{Ratio, Summary};

/// A figure that targets are compared on. Serialized as the name of its field in
/// [`Summaries`] (`warm_duration_ms`, ...), which is what the JSON export has always carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    WarmDurationMs,
    ColdStartMs,
    InitMs,
    WarmMemoryMb,
}

impl Figure {
    /// Figures compared, in the order they are printed.
    pub const COMPARED: [Figure; 4] = [
        Figure::WarmDurationMs,
        Figure::ColdStartMs,
        Figure::InitMs,
        Figure::WarmMemoryMb,
    ];

    /// Reads this figure from a target's summaries.
    pub fn of(self, s: &Summaries) -> Option<Summary> {
        match self {
            Figure::WarmDurationMs => s.warm_duration_ms,
            Figure::ColdStartMs => s.cold_start_ms,
            Figure::InitMs => s.init_ms,
            Figure::WarmMemoryMb => s.warm_memory_mb,
        }
    }
}

/// How much faster the fastest target is than each other one, for one figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    pub figure: Figure,
    /// The target with the lowest mean.
    pub fastest: String,
    /// `other / fastest` for each other target.
    pub ratios: Vec<(String, Ratio)>,
}

/// One [`Comparison`] per figure that at least two targets have.
pub fn compare_all(targets: &[TargetResult]) -> Vec<Comparison> {
    if targets.len() < 2 {
        return Vec::new();
    }
    Figure::COMPARED
        .iter()
        .filter_map(|figure| compare(targets, *figure))
        .collect()
}

fn compare(targets: &[TargetResult], figure: Figure) -> Option<Comparison> {
    let with: Vec<(&str, Summary)> = targets
        .iter()
        .filter_map(|t| figure.of(&t.summaries).map(|s| (t.name.as_str(), s)))
        .collect();
    if with.len() < 2 {
        return None;
    }
    let (fastest, best) = with.iter().min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))?;
    let ratios = with
        .iter()
        .filter(|(name, _)| name != fastest)
        .filter_map(|(name, s)| Ratio::of_means(s, best).map(|r| ((*name).to_owned(), r)))
        .collect();
    Some(Comparison {
        figure,
        fastest: (*fastest).to_owned(),
        ratios,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::result::{Kind, Sample};

    fn target(name: &str, warm: &[f64]) -> TargetResult {
        let mut t = TargetResult::new(name.into(), name.into(), 128);
        t.samples = warm
            .iter()
            .map(|&d| Sample::ok(Kind::Warm, None, d))
            .collect();
        t.summarize();
        t
    }

    #[test]
    fn fastest_is_the_reference() {
        let targets = [
            target("slow", &[2.0, 2.2, 1.8]),
            target("fast", &[1.0, 1.1, 0.9]),
        ];
        let comparisons = compare_all(&targets);
        assert_eq!(comparisons.len(), 1, "only warm duration has data");
        let c = &comparisons[0];
        assert_eq!(c.figure, Figure::WarmDurationMs);
        assert_eq!(c.fastest, "fast");
        assert_eq!(c.ratios[0].0, "slow");
        assert!((c.ratios[0].1.value - 2.0).abs() < 1e-9);
        assert!(c.ratios[0].1.stddev > 0.0);
        assert!(compare_all(&targets[..1]).is_empty());
    }

    #[test]
    fn figures_keep_their_json_names() {
        let names: Vec<String> = Figure::COMPARED
            .iter()
            .map(|f| serde_json::to_string(f).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                r#""warm_duration_ms""#,
                r#""cold_start_ms""#,
                r#""init_ms""#,
                r#""warm_memory_mb""#
            ]
        );
    }
}
