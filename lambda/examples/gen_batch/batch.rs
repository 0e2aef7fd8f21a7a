//! Deterministic N-transaction batches for the transactions function, so large-input runs are
//! reproducible: the same seed always yields the same bytes. Used by the `gen_batch` example
//! and by `benches/process.rs`.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSpec {
    pub transactions: usize,
    pub seed: u64,
    /// Share of CREDIT transactions, 0.0..=1.0.
    pub credit_ratio: f64,
    /// Largest amount, in cents.
    pub max_cents: u64,
}

impl Default for BatchSpec {
    fn default() -> Self {
        BatchSpec {
            transactions: 1000,
            seed: 1,
            credit_ratio: 0.5,
            max_cents: 1_000_000,
        }
    }
}

/// What the function should answer for the generated batch (exact: sums of cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub request_id: String,
    pub credit_count: usize,
    /// Total of CREDIT amounts in cents.
    pub total_credit_cents: u128,
}

/// Writes `{"requestId":..,"transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"},..]}`.
/// Amounts have at most two decimals and are written in their shortest form (150.5, 500).
pub fn write_batch(spec: &BatchSpec, out: &mut impl Write) -> std::io::Result<Expected> {
    // ChaCha8 is specified and portable: the stream for a seed never changes between versions.
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let request_id = format!("req-gen-{}-{}", spec.seed, spec.transactions);
    let mut expected = Expected {
        request_id: request_id.clone(),
        credit_count: 0,
        total_credit_cents: 0,
    };
    write!(out, "{{\"requestId\":\"{request_id}\",\"transactions\":[")?;
    for i in 1..=spec.transactions {
        let cents = rng.random_range(1..=spec.max_cents.max(1));
        let credit = rng.random_bool(spec.credit_ratio.clamp(0.0, 1.0));
        if credit {
            expected.credit_count += 1;
            expected.total_credit_cents += u128::from(cents);
        }
        if i > 1 {
            out.write_all(b",")?;
        }
        let kind = if credit { "CREDIT" } else { "DEBIT" };
        write!(
            out,
            "{{\"id\":\"tx-{i}\",\"amount\":{},\"type\":\"{kind}\"}}",
            format_cents(u128::from(cents))
        )?;
    }
    out.write_all(b"]}")?;
    Ok(expected)
}

/// Cents as the shortest decimal: 15050 -> "150.5", 50000 -> "500", 7 -> "0.07".
pub fn format_cents(cents: u128) -> String {
    let (whole, frac) = (cents / 100, cents % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(spec: &BatchSpec) -> (Vec<u8>, Expected) {
        let mut out = Vec::new();
        let expected = write_batch(spec, &mut out).unwrap();
        (out, expected)
    }

    #[test]
    fn deterministic_and_valid_json() {
        let spec = BatchSpec {
            transactions: 500,
            seed: 42,
            ..BatchSpec::default()
        };
        let (a, expected) = generate(&spec);
        let (b, _) = generate(&spec);
        assert_eq!(a, b);
        let (c, _) = generate(&BatchSpec {
            seed: 43,
            ..spec.clone()
        });
        assert_ne!(a, c);
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
        let txs = v["transactions"].as_array().unwrap();
        assert_eq!(txs.len(), 500);
        assert_eq!(txs[0]["id"], "tx-1");
        let credits: Vec<_> = txs.iter().filter(|t| t["type"] == "CREDIT").collect();
        assert_eq!(credits.len(), expected.credit_count);
        let total: u128 = credits
            .iter()
            .map(|t| (t["amount"].as_f64().unwrap() * 100.0).round() as u128)
            .sum();
        assert_eq!(total, expected.total_credit_cents);
    }

    /// The bytes `lambda-bench gen` wrote before the generator moved here (sha256 of its
    /// output for `-n 1000`, and the expectations it printed for two other invocations).
    #[test]
    fn same_bytes_as_lambda_bench_gen_wrote() {
        let (bytes, _) = generate(&BatchSpec::default());
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "3984a37e432cb3c2ff6b1863b36ea05dd357cbdbc558ea312ae77703360cc7a0"
        );
        let (_, e) = generate(&BatchSpec {
            transactions: 100_000,
            seed: 7,
            ..BatchSpec::default()
        });
        assert_eq!(
            (e.request_id.as_str(), e.credit_count),
            ("req-gen-7-100000", 49935)
        );
        assert_eq!(format_cents(e.total_credit_cents), "249426789.2");
        let (_, e) = generate(&BatchSpec {
            transactions: 5000,
            seed: 3,
            credit_ratio: 0.3,
            max_cents: 25050,
        });
        assert_eq!(
            (e.credit_count, format_cents(e.total_credit_cents)),
            (1457, "182174.69".into())
        );
    }

    #[test]
    fn cents_format() {
        assert_eq!(format_cents(15050), "150.5");
        assert_eq!(format_cents(50000), "500");
        assert_eq!(format_cents(7525), "75.25");
        assert_eq!(format_cents(7), "0.07");
    }
}
