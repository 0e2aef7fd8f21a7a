//! "X ± Y times faster than" — ratios of means against the fastest target, per figure.

use super::result::{Comparison, Summaries, TargetResult};
use crate::stats::{Ratio, Summary};

/// Reads one figure from a target's summaries.
pub type Figure = fn(&Summaries) -> Option<Summary>;

/// Figures compared, with how to read them from the summaries.
pub const FIGURES: [(&str, Figure); 4] = [
    ("warm_duration_ms", |s| s.warm_duration_ms),
    ("cold_start_ms", |s| s.cold_start_ms),
    ("init_ms", |s| s.init_ms),
    ("warm_memory_mb", |s| s.warm_memory_mb),
];

/// One [`Comparison`] per figure that at least two targets have.
pub fn compare_all(targets: &[TargetResult]) -> Vec<Comparison> {
    if targets.len() < 2 {
        return Vec::new();
    }
    FIGURES
        .iter()
        .filter_map(|(figure, get)| compare(targets, figure, *get))
        .collect()
}

fn compare(targets: &[TargetResult], figure: &str, get: Figure) -> Option<Comparison> {
    let with: Vec<(&str, Summary)> = targets
        .iter()
        .filter_map(|t| get(&t.summaries).map(|s| (t.name.as_str(), s)))
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
        figure: figure.to_owned(),
        fastest: (*fastest).to_owned(),
        ratios,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::result::{Kind, Sample, Status};

    fn target(name: &str, warm: &[f64]) -> TargetResult {
        let mut t = TargetResult::new(name.into(), name.into(), 128);
        t.samples = warm
            .iter()
            .map(|&d| Sample {
                kind: Kind::Warm,
                event: "e".into(),
                request_id: "r".into(),
                status: Status::Ok,
                init_ms: None,
                duration_ms: Some(d),
                billed_ms: None,
                max_memory_bytes: None,
                detail: None,
                log_tail: vec![],
            })
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
        assert_eq!(c.figure, "warm_duration_ms");
        assert_eq!(c.fastest, "fast");
        assert_eq!(c.ratios[0].0, "slow");
        assert!((c.ratios[0].1.value - 2.0).abs() < 1e-9);
        assert!(c.ratios[0].1.stddev > 0.0);
        assert!(compare_all(&targets[..1]).is_empty());
    }
}
