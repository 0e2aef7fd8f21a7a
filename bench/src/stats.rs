//! Summary statistics: percentiles (linear interpolation between closest ranks, as numpy's
//! default), mean ± standard deviation, and ratios with propagated uncertainty.

use serde::{Deserialize, Serialize};

/// Distribution of one figure over a set of runs, in the figure's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub min: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for a single value.
    pub stddev: f64,
}

impl Summary {
    /// `None` for no values. NaNs must not be passed.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let stddev = if n > 1 {
            (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Some(Summary {
            count: n,
            min: sorted[0],
            p50: percentile(&sorted, 50.0),
            p90: percentile(&sorted, 90.0),
            p99: percentile(&sorted, 99.0),
            max: sorted[n - 1],
            mean,
            stddev,
        })
    }
}

/// `p`-th percentile of sorted values, interpolating between closest ranks.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// `a / b` with its standard deviation by first-order error propagation (as hyperfine does):
/// σ = ratio · √((σa/a)² + (σb/b)²).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub value: f64,
    pub stddev: f64,
    /// Ratio of the medians: robust to the odd outlier that inflates `stddev`.
    pub median: f64,
}

impl Ratio {
    pub fn of_means(a: &Summary, b: &Summary) -> Option<Ratio> {
        if a.mean <= 0.0 || b.mean <= 0.0 {
            return None;
        }
        let value = a.mean / b.mean;
        let stddev = value * ((a.stddev / a.mean).powi(2) + (b.stddev / b.mean).powi(2)).sqrt();
        let median = if b.p50 > 0.0 { a.p50 / b.p50 } else { f64::NAN };
        Some(Ratio {
            value,
            stddev,
            median,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Summary::of(&values).unwrap();
        assert_eq!((s.min, s.max, s.count), (1.0, 100.0, 100));
        assert!((s.p50 - 50.5).abs() < 1e-9);
        assert!((s.p90 - 90.1).abs() < 1e-9);
        assert!((s.p99 - 99.01).abs() < 1e-9);
        assert!((s.mean - 50.5).abs() < 1e-9);
        assert!((s.stddev - 29.011_491_975_882).abs() < 1e-9);
    }

    #[test]
    fn single_and_empty() {
        let s = Summary::of(&[2.5]).unwrap();
        assert_eq!((s.p50, s.p99, s.stddev), (2.5, 2.5, 0.0));
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn ratio_propagates_uncertainty() {
        let a = Summary {
            count: 2,
            min: 0.0,
            p50: 0.0,
            p90: 0.0,
            p99: 0.0,
            max: 0.0,
            mean: 20.0,
            stddev: 2.0,
        };
        let b = Summary {
            mean: 10.0,
            stddev: 1.0,
            ..a
        };
        let r = Ratio::of_means(&a, &b).unwrap();
        assert!((r.value - 2.0).abs() < 1e-12);
        assert!((r.stddev - 2.0 * (0.02f64).sqrt()).abs() < 1e-12);
        assert!(Ratio::of_means(&a, &Summary { mean: 0.0, ..b }).is_none());
        let a = Summary { p50: 3.0, ..a };
        let b = Summary { p50: 2.0, ..b };
        assert!((Ratio::of_means(&a, &b).unwrap().median - 1.5).abs() < 1e-12);
    }
}
