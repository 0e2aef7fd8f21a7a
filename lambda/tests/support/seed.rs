//! The seed event and the answer it must get, both read from `events/`: the one place the
//! published figures (`650.5`, `15f6e99f...`) are written. Used by every Rust test file and, by
//! path, by the fuzz harness (fuzz/src/lib.rs), so it needs nothing but serde_json.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// events/seed-3tx.json, the brief's three transactions.
pub const SEED: &str = include_str!("../../../events/seed-3tx.json");
const EXPECTED: &str = include_str!("../../../events/seed-3tx.expected.json");

/// What the seed's answer says, as events/seed-3tx.expected.json gives it.
#[derive(Clone, Debug)]
pub struct SeedAnswer {
    /// `totalCredit` as the JSON text it is written with (`650.5`).
    pub total: String,
    pub signature: String,
    pub credit_count: u64,
    pub request_id: String,
}

pub fn seed_answer() -> SeedAnswer {
    let v: serde_json::Value = serde_json::from_str(EXPECTED).expect("seed-3tx.expected.json");
    let text = |key: &str| {
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in seed-3tx.expected.json"))
            .to_owned()
    };
    SeedAnswer {
        total: v["totalCredit"].to_string(),
        signature: text("signature"),
        credit_count: v["creditCount"].as_u64().expect("creditCount"),
        request_id: text("requestId"),
    }
}

/// The time the tests answer at: 2026-01-01T00:00:00Z.
pub fn new_year() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// The direct answer to the seed at [`new_year`], byte for byte (key order is the contract's).
pub fn seed_answer_bytes() -> String {
    let a = seed_answer();
    format!(
        r#"{{"status":"success","totalCredit":{},"signature":"{}","processedAt":"2026-01-01T00:00:00Z","requestId":"{}","creditCount":{}}}"#,
        a.total, a.signature, a.request_id, a.credit_count
    )
}
