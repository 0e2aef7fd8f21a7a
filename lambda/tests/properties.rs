//! The fast path (simd-json stage 1 + one-pass walker + fixed-point sum + AWS-LC) against a
//! straightforward reference (serde_json + arbitrary text + i128 + sha2) on generated batches,
//! and against the previous tape-based reader on re-formatted and mutated batches.

use std::time::UNIX_EPOCH;

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use transactions_lambda::domain::compact_batch::read_compact_batch;
use transactions_lambda::{Processor, Reply};

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod invariants;

#[derive(Clone, Debug)]
struct Tx {
    id: String,
    /// The amount as `units / 10^scale`.
    units: i128,
    scale: u32,
    /// How the number is spelled in JSON.
    spelling: Spelling,
    kind: &'static str,
}

#[derive(Clone, Copy, Debug)]
enum Spelling {
    Plain,
    TrailingZeros,
    Exponent,
}

impl Tx {
    fn amount_text(&self) -> String {
        let negative = self.units < 0;
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let sign = if negative { "-" } else { "" };
        match self.spelling {
            Spelling::Plain if scale == 0 => format!("{sign}{int}"),
            Spelling::Plain => format!("{sign}{int}.{frac}"),
            Spelling::TrailingZeros => format!("{sign}{int}.{frac}000"),
            // digits * 10^-scale, written as an integer mantissa with a negative exponent
            Spelling::Exponent => format!("{sign}{digits}e-{scale}"),
        }
    }

    /// The amount in units of 10^-18.
    fn units18(&self) -> i128 {
        self.units * 10i128.pow(18 - self.scale)
    }
}

fn tx() -> impl Strategy<Value = Tx> {
    (
        // Any text, or the printable ASCII most callers send (the compact reader's IDs).
        prop_oneof!["\\PC{1,12}", "[ -~]{1,12}"],
        0u32..=18,
        any::<i64>(),
        prop_oneof![Just(Spelling::Plain), Just(Spelling::TrailingZeros), Just(Spelling::Exponent)],
        prop_oneof![3 => Just("CREDIT"), 1 => Just("DEBIT"), 1 => Just("credit"), 1 => Just("REFUND")],
        any::<bool>(),
    )
        .prop_map(|(id, scale, raw, spelling, kind, extreme)| {
            // Below 10^15 in magnitude at this scale; `extreme` picks the very edge of the range.
            let limit = 10i128.pow(15 + scale);
            let units = if extreme {
                if raw < 0 { -(limit - 1) } else { limit - 1 }
            } else {
                i128::from(raw) % limit
            };
            Tx { id, units, scale, spelling, kind }
        })
}

/// A transaction as most callers write it: the compact reader's layout.
fn usual_tx() -> impl Strategy<Value = Tx> {
    (tx(), "[ -!#-\\[\\]-~]{1,16}").prop_map(|(tx, id)| Tx {
        id,
        spelling: Spelling::Plain,
        ..tx
    })
}

fn reference_total(txs: &[Tx]) -> String {
    let sum: i128 = txs
        .iter()
        .filter(|t| t.kind == "CREDIT")
        .map(Tx::units18)
        .sum();
    let sign = if sum < 0 { "-" } else { "" };
    let abs = sum.unsigned_abs();
    let (int, frac) = (abs / 10u128.pow(18), abs % 10u128.pow(18));
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let frac = format!("{frac:018}");
        format!("{sign}{int}.{}", frac.trim_end_matches('0'))
    }
}

fn reference_signature(txs: &[Tx]) -> String {
    let ids: String = txs
        .iter()
        .filter(|t| t.kind == "CREDIT")
        .map(|t| t.id.as_str())
        .collect();
    Sha256::digest(ids.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn payload(txs: &[Tx]) -> String {
    let items: Vec<String> = txs
        .iter()
        .map(|t| {
            format!(
                r#"{{"id":{},"amount":{},"type":"{}"}}"#,
                serde_json::to_string(&t.id).unwrap(),
                t.amount_text(),
                t.kind
            )
        })
        .collect();
    format!(
        r#"{{"requestId":"prop","transactions":[{}]}}"#,
        items.join(",")
    )
}

/// 256 cases per property, or `PROPTEST_CASES` (scripts/mutants.sh runs fewer for each mutant).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn fast_path_matches_the_reference(txs in prop::collection::vec(tx(), 0..40)) {
        let mut p = Processor::new();
        let event = payload(&txs);
        let raw = match p.handle(event.as_bytes(), UNIX_EPOCH) {
            Reply::Response(answer) => String::from_utf8(answer.to_vec()).unwrap(),
            Reply::Failure(err) => panic!("refused a valid batch ({err}): {event}"),
        };
        // Read the total as text: going through f64 would round it.
        let total = raw.split(r#""totalCredit":"#).nth(1).unwrap().split(',').next().unwrap();
        let answer: serde_json::Value = serde_json::from_str(&raw).unwrap();
        prop_assert_eq!(total, reference_total(&txs));
        prop_assert_eq!(answer["signature"].as_str().unwrap(), reference_signature(&txs));
        prop_assert_eq!(answer["creditCount"].as_u64().unwrap() as usize, txs.iter().filter(|t| t.kind == "CREDIT").count());
    }

    #[test]
    fn compact_reader_takes_every_usual_batch(txs in prop::collection::vec(usual_tx(), 0..40)) {
        let event = payload(&txs);
        let Some((summary, info)) = read_compact_batch(event.as_bytes()) else {
            panic!("the usual layout left the compact reader: {event}");
        };
        prop_assert_eq!(summary.total.to_string(), reference_total(&txs));
        prop_assert_eq!(String::from_utf8(summary.signature.to_vec()).unwrap(), reference_signature(&txs));
        prop_assert_eq!(summary.credit_count, txs.iter().filter(|t| t.kind == "CREDIT").count());
        prop_assert_eq!(info.transactions, txs.len());
        prop_assert_eq!(info.request_id.as_deref(), Some("prop"));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_never_stop_the_processor(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut p = Processor::new();
        let _ = p.handle(&bytes, UNIX_EPOCH);
        let Reply::Response(_) = p.handle(br#"{"transactions":[]}"#, UNIX_EPOCH) else {
            panic!("processor stopped answering");
        };
    }

    #[test]
    fn walker_agrees_with_the_tape_on_any_layout(
        txs in prop::collection::vec(tx(), 0..12),
        layout in prop::collection::vec(0u8..8, 64),
    ) {
        invariants::check_differential(reformat(&payload(&txs), &layout).as_bytes());
    }

    #[test]
    fn walker_agrees_with_the_tape_on_mutated_batches(
        txs in prop::collection::vec(tx(), 1..6),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..6, any::<u8>()), 1..4),
    ) {
        invariants::check_differential(&mutate(payload(&txs).into_bytes(), &edits));
    }

    #[test]
    fn walker_agrees_with_the_tape_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        invariants::check_differential(&bytes);
    }
}

/// The same batch with whitespace between tokens, unknown fields of every kind, keys moved
/// and characters escaped, as `layout` picks (cycled).
fn reformat(json: &str, layout: &[u8]) -> String {
    let mut choice = layout.iter().cycle();
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                // Escape some plain characters: the walker must unescape before signing.
                (false, c) if c.is_ascii_alphanumeric() && *choice.next().unwrap() == 0 => {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                    continue;
                }
                _ => {}
            }
            out.push(c);
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
        match (c, *choice.next().unwrap()) {
            ('{', 1) => {
                out.push_str(r#""extra":{"n":[1,-2.5e-3,true,null,"x\"y",{}],"big":1e999},"#)
            }
            ('{', 2) => out.push_str(r#""zz":[[[]]], "#),
            (',' | ':' | '[', 3) => out.push_str(" \n\t "),
            (',' | ':' | '[', 4) => out.push('\r'),
            _ => {}
        }
    }
    out
}

/// Byte-level edits of a valid batch: replace, insert, delete, duplicate a span, or insert a
/// JSON fragment, at `edits`' positions.
fn mutate(mut bytes: Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    const FRAGMENTS: &[&[u8]] = &[
        b"{", b"}", b"[", b"]", b",", b":", b"\"", b"\\", b"\\u", b"1e400", b"-", b"0", b".",
        b"null", b" ",
    ];
    for (at, op, byte) in edits {
        let i = at.index(bytes.len() + 1);
        match op {
            0 if i < bytes.len() => bytes[i] = *byte,
            1 => bytes.insert(i, *byte),
            2 if i < bytes.len() => {
                bytes.remove(i);
            }
            3 => {
                let end = (i + usize::from(*byte % 16)).min(bytes.len());
                let span = bytes[i..end].to_vec();
                bytes.splice(i..i, span);
            }
            _ => {
                let fragment = FRAGMENTS[usize::from(*byte) % FRAGMENTS.len()];
                bytes.splice(i..i, fragment.iter().copied());
            }
        }
    }
    bytes
}
