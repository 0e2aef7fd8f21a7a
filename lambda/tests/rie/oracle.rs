//! What an answer must say, computed here from the event's own bytes (serde_json, sha2, integer
//! cents), not by the code under test nor by the generator that wrote the event.

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// The right answer to one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub request_id: String,
    pub credit_count: u64,
    /// The exact credit total in cents.
    pub total_cents: u128,
    /// The credit amounts summed as float64 in input order: what the Go contender answers.
    pub total_f64: f64,
    pub signature: String,
}

#[derive(Deserialize)]
struct Batch<'a> {
    #[serde(rename = "requestId")]
    request_id: String,
    #[serde(borrow)]
    transactions: Vec<Transaction<'a>>,
}

#[derive(Deserialize)]
struct Transaction<'a> {
    id: String,
    #[serde(borrow)]
    amount: &'a RawValue,
    #[serde(rename = "type")]
    kind: String,
}

/// Reads a batch whose amounts have at most two decimals (as generated ones do).
pub fn expected(event: &[u8]) -> Expected {
    let batch: Batch = serde_json::from_slice(event).expect("a generated batch");
    let mut digest = Sha256::new();
    let (mut credit_count, mut total_cents, mut total_f64) = (0, 0u128, 0.0f64);
    for tx in batch.transactions.iter().filter(|tx| tx.kind == "CREDIT") {
        credit_count += 1;
        total_cents += cents(tx.amount.get());
        total_f64 += tx.amount.get().parse::<f64>().expect("amount as f64");
        digest.update(tx.id.as_bytes());
    }
    Expected {
        request_id: batch.request_id,
        credit_count,
        total_cents,
        total_f64,
        signature: digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    }
}

/// "150.5" -> 15050, "500" -> 50000, "0.07" -> 7.
fn cents(amount: &str) -> u128 {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    assert!(fraction.len() <= 2, "more than two decimals: {amount}");
    let fraction = format!("{fraction:0<2}");
    whole.parse::<u128>().expect("whole part") * 100 + fraction.parse::<u128>().expect("cents")
}

/// Cents as the shortest decimal, the way a JSON number is written: 15050 -> "150.5".
pub fn decimal(cents: u128) -> String {
    let (whole, fraction) = (cents / 100, cents % 100);
    match fraction {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Our answer: `totalCredit` exactly (its JSON text), signature, credit count and requestId.
pub fn check_ours(body: &[u8], want: &Expected) -> Result<(), String> {
    #[derive(Deserialize)]
    struct Ours<'a> {
        status: String,
        #[serde(rename = "totalCredit", borrow)]
        total_credit: &'a RawValue,
        signature: String,
        #[serde(rename = "creditCount")]
        credit_count: u64,
        #[serde(rename = "requestId")]
        request_id: String,
    }
    let got: Ours = serde_json::from_slice(body).map_err(|e| format!("not a success: {e}"))?;
    let total = decimal(want.total_cents);
    let fields = [
        ("status", got.status.as_str(), "success"),
        ("totalCredit", got.total_credit.get(), total.as_str()),
        ("signature", &got.signature, &want.signature),
        ("requestId", &got.request_id, &want.request_id),
    ];
    for (name, got, want) in fields {
        if got != want {
            return Err(format!("{name}: {got}, expected {want}"));
        }
    }
    if got.credit_count != want.credit_count {
        return Err(format!(
            "creditCount: {}, expected {}",
            got.credit_count, want.credit_count
        ));
    }
    Ok(())
}

/// The Go contender's answer, which carries no requestId nor creditCount: its float64 total
/// (bit for bit the in-order float64 sum) and signature.
pub fn check_go(body: &[u8], want: &Expected) -> Result<(), String> {
    #[derive(Deserialize)]
    struct Go {
        status: String,
        #[serde(rename = "totalCredit")]
        total_credit: f64,
        signature: String,
    }
    let got: Go = serde_json::from_slice(body).map_err(|e| format!("not a success: {e}"))?;
    if got.status != "success" {
        return Err(format!("status: {}", got.status));
    }
    if got.total_credit.to_bits() != want.total_f64.to_bits() {
        return Err(format!(
            "totalCredit: {}, expected {} (float64)",
            got.total_credit, want.total_f64
        ));
    }
    if got.signature != want.signature {
        return Err(format!(
            "signature: {}, expected {}",
            got.signature, want.signature
        ));
    }
    Ok(())
}
