//! Deterministic N-transaction payloads for the transactions function, so large-input runs are
//! reproducible: the same seed always yields the same bytes.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct PayloadSpec {
    pub transactions: usize,
    pub seed: u64,
    /// Share of CREDIT transactions, 0.0..=1.0.
    pub credit_ratio: f64,
    /// Largest amount, in cents.
    pub max_cents: u64,
}

impl Default for PayloadSpec {
    fn default() -> Self {
        PayloadSpec {
            transactions: 1000,
            seed: 1,
            credit_ratio: 0.5,
            max_cents: 1_000_000,
        }
    }
}

/// What the function should answer for the generated payload (exact: sums of cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub request_id: String,
    pub credit_count: usize,
    /// Total of CREDIT amounts in cents.
    pub total_credit_cents: u128,
}

/// Writes `{"requestId":..,"transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"},..]}`.
/// Amounts have at most two decimals and are written in their shortest form (150.5, 500).
pub fn write_payload(spec: &PayloadSpec, out: &mut impl Write) -> std::io::Result<Expected> {
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

    fn generate(spec: &PayloadSpec) -> (Vec<u8>, Expected) {
        let mut out = Vec::new();
        let expected = write_payload(spec, &mut out).unwrap();
        (out, expected)
    }

    #[test]
    fn deterministic_and_valid_json() {
        let spec = PayloadSpec {
            transactions: 500,
            seed: 42,
            ..PayloadSpec::default()
        };
        let (a, expected) = generate(&spec);
        let (b, _) = generate(&spec);
        assert_eq!(a, b);
        let (c, _) = generate(&PayloadSpec {
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

    #[test]
    fn cents_format() {
        assert_eq!(format_cents(15050), "150.5");
        assert_eq!(format_cents(50000), "500");
        assert_eq!(format_cents(7525), "75.25");
        assert_eq!(format_cents(7), "0.07");
    }
}
