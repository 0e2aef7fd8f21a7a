//! What counts as a right answer under load: the same answer the function gave to the event
//! when it was alone. An event is expected to succeed unless it is declared to fail; a
//! success must then equal the first answer (an answer meant for another invocation, or a torn
//! one, differs), a failure must carry the first failure's type. Fields that hold the time of
//! processing (`processedAt`) legitimately differ: when both answers are JSON, those keys are
//! left out of the comparison; anything else is compared byte for byte.

use bytes::Bytes;
use serde_json::Value;

use crate::invocation::Outcome;

/// How many mismatches are kept, described, per result (the rest are only counted).
pub const KEPT_MISMATCHES: usize = 5;

/// The expectation for one event on one bootstrap.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub fails: bool,
    /// The first answer: a success to equal, or a failure whose type to match.
    pub reference: Outcome,
    /// JSON keys (at any depth) whose values may differ between answers.
    pub volatile: Vec<String>,
}

impl Expectation {
    /// `None` when `got` is right; otherwise what is wrong with it.
    pub fn judge(&self, got: &Outcome) -> Option<String> {
        match (self.fails, got, &self.reference) {
            (false, Outcome::Response(body), Outcome::Response(first))
                if same_answer(body, first, &self.volatile) =>
            {
                None
            }
            (false, Outcome::Response(_), Outcome::Response(_)) => {
                Some(format!("answer differs from the first: {}", describe(got)))
            }
            // The first answer itself was wrong: every success is as good as another.
            (false, Outcome::Response(_), _) => None,
            (true, Outcome::FunctionError(e), Outcome::FunctionError(first))
                if e.error_type == first.error_type =>
            {
                None
            }
            (true, Outcome::FunctionError(_), Outcome::FunctionError(_)) => {
                Some(format!("failure differs from the first: {}", describe(got)))
            }
            (true, Outcome::FunctionError(_), _) => None,
            (false, _, _) => Some(format!("expected a success, got {}", describe(got))),
            (true, _, _) => Some(format!("expected a function error, got {}", describe(got))),
        }
    }
}

/// Equal bytes, or equal JSON once the `volatile` keys are removed from both.
fn same_answer(a: &Bytes, b: &Bytes, volatile: &[String]) -> bool {
    if a == b {
        return true;
    }
    if volatile.is_empty() {
        return false;
    }
    let (Ok(mut a), Ok(mut b)) = (
        serde_json::from_slice::<Value>(a),
        serde_json::from_slice::<Value>(b),
    ) else {
        return false;
    };
    strip(&mut a, volatile);
    strip(&mut b, volatile);
    a == b
}

fn strip(value: &mut Value, keys: &[String]) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !keys.contains(k));
            map.values_mut().for_each(|v| strip(v, keys));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, keys)),
        _ => {}
    }
}

/// An outcome in one short line.
pub fn describe(outcome: &Outcome) -> String {
    const SHOWN: usize = 80;
    let text = match outcome {
        Outcome::Response(body) => format!("response {}", String::from_utf8_lossy(body)),
        Outcome::FunctionError(e) => format!("{}: {}", e.error_type, e.error_message),
        Outcome::Timeout => "timeout".to_owned(),
        Outcome::Crashed(exit) => format!("crash ({exit})"),
    };
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Answers judged so far: the count of wrong ones and the first few described.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub errors: usize,
    pub mismatches: Vec<String>,
}

impl Tally {
    /// Judges the answer to invocation number `index` (from 1).
    pub fn add(&mut self, index: usize, expectation: &Expectation, got: &Outcome) {
        if let Some(wrong) = expectation.judge(got) {
            self.errors += 1;
            if self.mismatches.len() < KEPT_MISMATCHES {
                self.mismatches.push(format!("#{index}: {wrong}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invocation::FunctionError;

    fn ok(body: &'static str) -> Outcome {
        Outcome::Response(Bytes::from_static(body.as_bytes()))
    }

    fn failure(error_type: &str) -> Outcome {
        Outcome::FunctionError(FunctionError {
            error_type: error_type.into(),
            error_message: "bad batch".into(),
            error_type_header: None,
            raw: Bytes::new(),
        })
    }

    #[test]
    fn a_success_must_equal_the_first_answer() {
        let e = Expectation {
            fails: false,
            reference: ok(r#"{"total":1}"#),
            volatile: Vec::new(),
        };
        assert_eq!(e.judge(&ok(r#"{"total":1}"#)), None);
        assert_eq!(
            e.judge(&ok(r#"{"total":2}"#)).unwrap(),
            r#"answer differs from the first: response {"total":2}"#
        );
        assert_eq!(
            e.judge(&failure("InvalidPayload")).unwrap(),
            "expected a success, got InvalidPayload: bad batch"
        );
        assert_eq!(
            e.judge(&Outcome::Timeout).unwrap(),
            "expected a success, got timeout"
        );
    }

    #[test]
    fn volatile_keys_may_differ_anywhere_and_nothing_else() {
        let e = Expectation {
            fails: false,
            reference: ok(
                r#"{"total":1,"processedAt":"2026-12-07T17:00:00Z","items":[{"processedAt":"a"}]}"#,
            ),
            volatile: vec!["processedAt".into()],
        };
        assert_eq!(
            e.judge(&ok(
                r#"{"items":[{"processedAt":"b"}],"total":1,"processedAt":"2026-12-07T17:00:01Z"}"#
            )),
            None
        );
        assert!(e
            .judge(&ok(
                r#"{"total":2,"processedAt":"2026-12-07T17:00:00Z","items":[{"processedAt":"a"}]}"#
            ))
            .is_some());
        assert!(e.judge(&ok(r#"{"total":1,"items":[{}]}"#)).is_none());
        assert!(e.judge(&ok("not json")).is_some());
        let strict = Expectation {
            volatile: Vec::new(),
            ..e
        };
        assert!(strict
            .judge(&ok(
                r#"{"total":1,"processedAt":"later","items":[{"processedAt":"a"}]}"#
            ))
            .is_some());
    }

    #[test]
    fn a_declared_failure_must_keep_its_type() {
        let e = Expectation {
            fails: true,
            reference: failure("InvalidPayload"),
            volatile: Vec::new(),
        };
        assert_eq!(e.judge(&failure("InvalidPayload")), None);
        assert_eq!(
            e.judge(&failure("InternalError")).unwrap(),
            "failure differs from the first: InternalError: bad batch"
        );
        assert_eq!(
            e.judge(&ok("{}")).unwrap(),
            "expected a function error, got response {}"
        );
    }

    #[test]
    fn a_wrong_first_answer_does_not_excuse_the_others() {
        let e = Expectation {
            fails: false,
            reference: failure("InternalError"),
            volatile: Vec::new(),
        };
        assert_eq!(e.judge(&ok("{}")), None);
        assert!(e.judge(&failure("InternalError")).is_some());
    }

    #[test]
    fn tally_counts_every_error_and_keeps_the_first_few() {
        let e = Expectation {
            fails: false,
            reference: ok("1"),
            volatile: Vec::new(),
        };
        let mut tally = Tally::default();
        for i in 1..=9 {
            let got = if i % 2 == 0 { ok("2") } else { ok("1") };
            tally.add(i, &e, &got);
        }
        tally.add(10, &e, &Outcome::Timeout);
        assert_eq!(tally.errors, 5);
        assert_eq!(tally.mismatches.len(), KEPT_MISMATCHES);
        assert_eq!(
            tally.mismatches[0],
            "#2: answer differs from the first: response 2"
        );
        assert_eq!(tally.mismatches[4], "#10: expected a success, got timeout");
    }

    #[test]
    fn long_answers_are_cut() {
        let long = "x".repeat(500);
        let text = describe(&Outcome::Response(Bytes::from(long)));
        assert_eq!(text.chars().count(), 81);
        assert!(text.ends_with('…'));
    }
}
