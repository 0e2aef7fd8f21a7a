//! Three picks among the swept sizes:
//!
//! - **cheapest**: the lowest cost per million invocations;
//! - **fastest**: the lowest warm Duration p50 (what nearly every request sees);
//! - **balanced**: the lowest `w × cost / cheapest cost + (1 − w) × p50 / fastest p50`, each
//!   figure as a multiple of the best one, so a size 10 % dearer and 10 % slower than the best
//!   of each scores 1.1 whatever the units; `w` is 0.5 by default (`--balance-weight`).
//!
//! Ties go to the smaller size. A size is left out, with the reason, when an invocation was
//! not answered, when it has no cost or warm p50, or when its Max Memory Used leaves less than
//! the stated headroom (an invocation with a bigger input could run out of memory).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::SizeFigures;

/// The picks (memory sizes in MB) and the sizes left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub cheapest: Option<u64>,
    pub fastest: Option<u64>,
    pub balanced: Option<u64>,
    pub balance_weight: f64,
    /// How the balanced pick is weighed, in words.
    pub rule: String,
    pub excluded: Vec<Excluded>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub memory_mb: u64,
    pub reason: String,
}

/// An eligible size: memory MB, $ per million, warm p50 ms.
type Entry = (u64, f64, f64);

pub fn recommend(sizes: &[SizeFigures], balance_weight: f64) -> Recommendation {
    let mut excluded = Vec::new();
    let mut eligible: Vec<Entry> = Vec::new();
    for s in sizes {
        let reason = if s.failures > 0 {
            Some(format!(
                "{} of {} invocations not answered",
                s.failures, s.invocations
            ))
        } else if s.low_headroom {
            Some(format!(
                "Max Memory Used {} MB leaves too little headroom",
                s.max_memory_used_mb.unwrap_or(0)
            ))
        } else {
            None
        };
        match (reason, s.cost_per_million, s.warm_duration_ms) {
            (Some(reason), _, _) => excluded.push(Excluded {
                memory_mb: s.memory_mb,
                reason,
            }),
            (None, Some(cost), Some(warm)) => eligible.push((s.memory_mb, cost, warm.p50)),
            (None, _, _) => excluded.push(Excluded {
                memory_mb: s.memory_mb,
                reason: "no warm Duration or Billed Duration measured".into(),
            }),
        }
    }
    // Smaller sizes first, so that `min_by` (which keeps the first of equals) breaks ties.
    eligible.sort_by_key(|e| e.0);
    let pick = |order: &dyn Fn(&Entry, &Entry) -> Ordering| {
        eligible.iter().min_by(|a, b| order(a, b)).map(|e| e.0)
    };
    let min_cost = eligible.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
    let min_p50 = eligible.iter().map(|e| e.2).fold(f64::INFINITY, f64::min);
    let w = balance_weight.clamp(0.0, 1.0);
    let score = |e: &Entry| w * e.1 / min_cost + (1.0 - w) * e.2 / min_p50;
    let cheapest = pick(&|a, b| a.1.total_cmp(&b.1));
    // Among equally fast sizes, the cheapest.
    let fastest = pick(&|a, b| a.2.total_cmp(&b.2).then(a.1.total_cmp(&b.1)));
    let balanced = pick(&|a, b| score(a).total_cmp(&score(b)));
    Recommendation {
        cheapest,
        fastest,
        balanced,
        balance_weight: w,
        rule: format!(
            "balanced = lowest {w} × cost/cheapest cost + {} × warm p50/fastest p50",
            1.0 - w
        ),
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;

    fn size(memory_mb: u64, cost: f64, p50: f64) -> SizeFigures {
        SizeFigures {
            memory_mb,
            invocations: 10,
            failures: 0,
            warm_duration_ms: Summary::of(&[p50]),
            cold_start_ms: None,
            warm_billed_ms: Some(p50.ceil()),
            cold_billed_ms: None,
            max_memory_used_mb: Some(30),
            low_headroom: false,
            cost_per_million: Some(cost),
        }
    }

    #[test]
    fn cheapest_fastest_and_balanced() {
        // Cost flat-ish, speed improving with memory: balanced leans to speed at w = 0.5.
        let sizes = [
            size(128, 1.00, 100.0),
            size(256, 1.02, 50.0),
            size(512, 1.10, 26.0),
            size(1024, 2.00, 25.0),
        ];
        let r = recommend(&sizes, 0.5);
        assert_eq!(r.cheapest, Some(128));
        assert_eq!(r.fastest, Some(1024));
        // 512: 0.5 × 1.10 + 0.5 × 26/25 = 1.07; 1024: 0.5 × 2 + 0.5 = 1.5; 256: 0.51 + 1 = 1.51.
        assert_eq!(r.balanced, Some(512));
        // All weight on cost: the cheapest; none: the fastest.
        assert_eq!(recommend(&sizes, 1.0).balanced, Some(128));
        assert_eq!(recommend(&sizes, 0.0).balanced, Some(1024));
        assert!(r.rule.contains("0.5 × cost/cheapest cost + 0.5 × warm p50"));
        assert!(r.excluded.is_empty());
    }

    #[test]
    fn ties_go_to_the_smaller_and_equally_fast_to_the_cheaper() {
        let sizes = [
            size(3008, 3.0, 20.0),
            size(1769, 2.0, 20.0),
            size(512, 1.0, 40.0),
            size(256, 1.0, 80.0),
        ];
        let r = recommend(&sizes, 0.5);
        assert_eq!(r.cheapest, Some(256));
        assert_eq!(r.fastest, Some(1769));
    }

    #[test]
    fn failing_and_tight_sizes_are_left_out_with_the_reason() {
        let mut tight = size(128, 0.5, 90.0);
        tight.low_headroom = true;
        tight.max_memory_used_mb = Some(110);
        let mut failing = size(256, 0.6, 10.0);
        failing.failures = 2;
        let mut unmeasured = size(512, 1.0, 1.0);
        unmeasured.cost_per_million = None;
        let sizes = [tight, failing, unmeasured, size(1024, 1.0, 20.0)];
        let r = recommend(&sizes, 0.5);
        assert_eq!(
            (r.cheapest, r.fastest, r.balanced),
            (Some(1024), Some(1024), Some(1024))
        );
        let reasons: Vec<(u64, &str)> = r
            .excluded
            .iter()
            .map(|e| (e.memory_mb, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (128, "Max Memory Used 110 MB leaves too little headroom"),
                (256, "2 of 10 invocations not answered"),
                (512, "no warm Duration or Billed Duration measured"),
            ]
        );
        assert_eq!(recommend(&sizes[..3], 0.5).cheapest, None);
    }
}
