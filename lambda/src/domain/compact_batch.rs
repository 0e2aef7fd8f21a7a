//! The usual batch, read straight from its bytes with no structural index:
//! `{"requestId":"..","transactions":[{"id":"..","amount":..,"type":".."},..]}` written
//! compactly (no whitespace but around the root), every string printable ASCII without escapes,
//! every amount `-?d{1,15}(.d{1,18})?`. That is what nearly every caller sends, and it can be
//! matched a whole transaction per step: a few word compares for the fixed parts, a word-at-a-time
//! scan for each string, one digit loop for the amount.
//!
//! Stage 1's checks are kept for what this skips, by accepting less: every byte is matched
//! against the layout, so a document read here is valid JSON (ASCII is valid UTF-8; strings
//! end at a quote and hold no control character or backslash; the structure is the layout's).
//! Anything else, including a total that leaves its range, gives `None`, and the caller reads
//! the document the general way ([`crate::domain::document`] and [`crate::domain::payload`]),
//! which accepts every valid JSON and names the first problem of an invalid one. So this path
//! never refuses a document: it only has to be right about what it accepts, and it must give
//! exactly the answer the general path would (the property tests and the `differential` fuzz
//! target compare the two).

use std::borrow::Cow;

use crate::domain::credits::{CreditSummary, Summary, CREDIT};
use crate::domain::money::Amount;
use crate::domain::payload::BatchInfo;

/// Reads `source` if it is a batch in the usual layout; `None` means "read it the general way".
pub fn read_compact_batch(source: &[u8]) -> Option<(Summary, BatchInfo<'_>)> {
    let mut bytes = Bytes { source, at: 0 };
    bytes.skip_whitespace();
    bytes.eat(b"{")?;
    // Filled in place: the signer's 4 KiB buffer is never moved (each move is a 4 KiB copy).
    let mut credits = CreditSummary::default();
    let mut request_id = None;
    let mut transactions = None;
    loop {
        if bytes.eat(b"\"requestId\":\"").is_some() {
            if request_id.is_some() {
                return None; // a duplicate: the general path refuses it
            }
            let id = bytes.string_rest()?;
            // ASCII, so this check cannot fail; it is what lets the text be borrowed.
            request_id = Some(Cow::Borrowed(std::str::from_utf8(id).ok()?));
        } else if bytes.eat(b"\"transactions\":[").is_some() {
            if transactions.is_some() {
                return None;
            }
            transactions = Some(bytes.transactions(&mut credits)?);
        } else {
            return None;
        }
        match bytes.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    bytes.skip_whitespace();
    let transactions = transactions?;
    (bytes.at == source.len()).then(|| {
        (
            credits.finish(),
            BatchInfo {
                request_id,
                transactions,
            },
        )
    })
}

/// A position in the document.
struct Bytes<'s> {
    source: &'s [u8],
    at: usize,
}

/// Per byte of a word: its high bit is set where the byte ends a plain string's content
/// (a quote, a backslash, a control character or a non-ASCII byte). Only the lowest set bit is
/// exact (borrows can set bits above a match), which is the only one read.
#[inline(always)]
fn string_stops(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (quote | backslash | control | word) & HIGH
}

impl<'s> Bytes<'s> {
    /// Steps over `expected` if the document continues with it.
    #[inline(always)]
    fn eat<const N: usize>(&mut self, expected: &[u8; N]) -> Option<()> {
        let found = self.source.get(self.at..self.at + N)?;
        // As arrays, the compare is a word or two, not a call into memcmp.
        if <[u8; N]>::try_from(found).ok()? != *expected {
            return None;
        }
        self.at += N;
        Some(())
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let byte = *self.source.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.source.get(self.at) {
            self.at += 1;
        }
    }

    /// A string's content after its opening quote, and the closing quote: printable ASCII up
    /// to the first quote, else `None` (escapes, control characters and non-ASCII text are the
    /// general path's).
    #[inline(always)]
    fn string_rest(&mut self) -> Option<&'s [u8]> {
        let start = self.at;
        let mut at = start;
        // A word at a time while eight bytes remain, then byte by byte.
        while let Some(word) = self.source.get(at..at + 8) {
            let word = u64::from_le_bytes(word.try_into().ok()?);
            let stops = string_stops(word);
            if stops != 0 {
                at += (stops.trailing_zeros() / 8) as usize;
                return self.close_string(start, at);
            }
            at += 8;
        }
        while let Some(&byte) = self.source.get(at) {
            if byte == b'"' || byte == b'\\' || !(0x20..0x80).contains(&byte) {
                return self.close_string(start, at);
            }
            at += 1;
        }
        None
    }

    /// The string from `start` ends at `at` if a quote stands there.
    #[inline(always)]
    fn close_string(&mut self, start: usize, at: usize) -> Option<&'s [u8]> {
        if self.source.get(at) != Some(&b'"') {
            return None;
        }
        self.at = at + 1;
        Some(&self.source[start..at])
    }

    /// The transactions array after its `[`, and its `]`: credits are added to `credits`; the
    /// number of transactions is returned.
    #[inline(always)]
    fn transactions(&mut self, credits: &mut CreditSummary) -> Option<usize> {
        if self.eat(b"]").is_some() {
            return Some(0);
        }
        let mut index = 0;
        loop {
            self.eat(b"{\"id\":\"")?;
            let id_start = self.at;
            let id = self.string_rest()?;
            if id.is_empty() {
                return None; // refused by the general path, with its path
            }
            self.eat(b",\"amount\":")?;
            let (amount, used) = Amount::parse_json_prefix(&self.source[self.at..])?;
            self.at += used;
            self.eat(b",\"type\":\"")?;
            // The two words nearly every batch uses, then any other string.
            let credit = if self.eat(b"CREDIT\"}").is_some() {
                true
            } else if self.eat(b"DEBIT\"}").is_some() {
                false
            } else {
                let kind = self.string_rest()?;
                self.eat(b"}")?;
                kind == CREDIT
            };
            if credit {
                credits
                    .add_credit(index, &self.source[id_start..], id.len(), amount)
                    .ok()?;
            }
            index += 1;
            match self.next()? {
                b',' => {}
                b']' => return Some(index),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::Parser;
    use crate::domain::payload::read_batch;

    /// What a reading gives: total, signature, credit count, requestId, transaction count.
    type Reading = (String, String, usize, Option<String>, usize);

    fn reading(summary: Summary, info: BatchInfo<'_>) -> Reading {
        (
            summary.total.to_string(),
            String::from_utf8(summary.signature.to_vec()).unwrap(),
            summary.credit_count,
            info.request_id.map(Cow::into_owned),
            info.transactions,
        )
    }

    fn compact(json: &[u8]) -> Option<Reading> {
        read_compact_batch(json).map(|(summary, info)| reading(summary, info))
    }

    /// The general path's reading, which the compact one must equal wherever it answers.
    fn walked(json: &[u8]) -> Reading {
        let mut parser = Parser::default();
        let document = parser.parse(json, "payload").unwrap();
        let mut credits = CreditSummary::default();
        let info = read_batch(&document, |index, tx| credits.add(index, &tx)).unwrap();
        reading(credits.finish(), info)
    }

    /// Taken by the compact reader, with the general path's answer.
    fn takes(json: &str) -> Reading {
        let read = compact(json.as_bytes()).unwrap_or_else(|| panic!("not taken: {json}"));
        assert_eq!(read, walked(json.as_bytes()), "{json}");
        read
    }

    fn leaves(json: &[u8]) {
        assert_eq!(compact(json), None, "{}", String::from_utf8_lossy(json));
    }

    const SEED: &str = r#"{"requestId":"req-seed-0001","transactions":[{"id":"tx-1","amount":150.5,"type":"CREDIT"},{"id":"tx-2","amount":75.25,"type":"DEBIT"},{"id":"tx-3","amount":500,"type":"CREDIT"}]}"#;

    #[test]
    fn the_seed_batch_is_read_whole() {
        let (total, signature, credits, request_id, transactions) = takes(SEED);
        assert_eq!(total, "650.5");
        assert_eq!(
            signature,
            "15f6e99f77968b2e9d2fadcf37ba573a10d0fa53adbed145af145ab44841c69f"
        );
        assert_eq!((credits, transactions), (2, 3));
        assert_eq!(request_id.as_deref(), Some("req-seed-0001"));
    }

    #[test]
    fn takes_the_layout_with_its_allowed_variations() {
        let empty = takes(r#"{"transactions":[]}"#);
        assert_eq!((empty.2, empty.3, empty.4), (0, None, 0));
        assert_eq!(empty.0, "0");
        // Keys in either order, whitespace around the root, any type word, any plain amount.
        let read = takes(
            " \t\r\n{\"transactions\":[{\"id\":\"a\",\"amount\":-0.5,\"type\":\"REFUND\"},\
             {\"id\":\"b\",\"amount\":0,\"type\":\"CREDITS\"},\
             {\"id\":\"c\",\"amount\":999999999999999.999999999999999999,\"type\":\"CREDIT\"},\
             {\"id\":\"d\",\"amount\":-2.25,\"type\":\"CREDIT\"},\
             {\"id\":\"e\",\"amount\":7,\"type\":\"credit\"},\
             {\"id\":\"f\",\"amount\":1,\"type\":\"\"}],\"requestId\":\"\"} \n",
        );
        assert_eq!(read.0, "999999999999997.749999999999999999");
        assert_eq!((read.2, read.4), (2, 6));
        assert_eq!(read.3.as_deref(), Some(""));
        assert_eq!(
            read.1,
            walked(br#"{"transactions":[{"id":"cd","amount":0,"type":"CREDIT"}]}"#).1
        );
    }

    #[test]
    fn strings_of_every_printable_ascii_byte_are_taken_at_every_length() {
        let printable: String = (0x20u8..0x80)
            .filter(|&b| b != b'"' && b != b'\\')
            .map(char::from)
            .collect();
        for len in 1..=printable.len() {
            let id = &printable[printable.len() - len..];
            let json = format!(
                r#"{{"transactions":[{{"id":"{id}","amount":1,"type":"CREDIT"}}],"requestId":"{id}"}}"#
            );
            let read = takes(&json);
            assert_eq!(read.3.as_deref(), Some(id));
        }
        // Each byte alone in the last few bytes, read one by one.
        for byte in printable.chars() {
            let json = format!(r#"{{"transactions":[],"requestId":"{byte}"}}"#);
            assert_eq!(takes(&json).3, Some(byte.to_string()));
        }
    }

    #[test]
    fn a_string_stop_is_found_at_every_position_of_a_word_and_of_the_tail() {
        // In the id (a word at a time: the batch goes on), and in a requestId at the document's
        // end (the last few bytes are read one by one).
        for stop in [
            &b"\\n"[..],
            b"\x1f",
            b"\x00",
            b"\x80",
            "é".as_bytes(),
            b"\xff",
        ] {
            for at in 0..12 {
                let mut id = b"abcdefghijkl".to_vec();
                id.splice(at..at, stop.iter().copied());
                let mut json = br#"{"transactions":[{"id":""#.to_vec();
                json.extend_from_slice(&id);
                json.extend_from_slice(br#"","amount":1,"type":"CREDIT"}]}"#);
                leaves(&json);
                let mut json = br#"{"transactions":[],"requestId":""#.to_vec();
                json.extend_from_slice(&id[..at + stop.len()]);
                json.extend_from_slice(b"\"}");
                leaves(&json);
            }
        }
    }

    #[test]
    fn leaves_every_other_layout_to_the_general_path() {
        for json in [
            // whitespace or other keys inside, another key order
            r#"{ "transactions":[]}"#,
            r#"{"transactions":[] }"#,
            r#"{"transactions": []}"#,
            r#"{"transactions":[ ]}"#,
            r#"{"transactions":[{"id":"a", "amount":1,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"} ]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT","x":1}]}"#,
            r#"{"transactions":[{"amount":1,"id":"a","type":"CREDIT"}]}"#,
            r#"{"transactions":[],"other":1}"#,
            r#"{"requestId":null,"transactions":[]}"#,
            r#"{"requestId":"a\u0062","transactions":[]}"#,
            r#"{"req\u0075estId":"a","transactions":[]}"#,
            // schema errors: the general path names them
            r#"{"requestId":"a"}"#,
            r#"{"requestId":"a","requestId":"b","transactions":[]}"#,
            r#"{"transactions":[],"transactions":[]}"#,
            r#"{"transactions":[{"id":"","amount":1,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":"1","type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":null}]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"},1]}"#,
            // amounts the plain reader does not take
            r#"{"transactions":[{"id":"a","amount":1e5,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1.5E1,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":01,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1.,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":.5,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":-,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1.5.5,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":1000000000000000,"type":"CREDIT"}]}"#,
            r#"{"transactions":[{"id":"a","amount":0.1234567890123456789,"type":"CREDIT"}]}"#,
            // not JSON
            r#"{"transactions":[],}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"},]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"}}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"}]"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT"]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"CREDIT}]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"REFUND]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"REFUND"]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"DEBIT"]}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"DEBIT"}"#,
            r#"{"transactions":[{"id":"a","amount":1,"type":"DEBIT"}x"#,
            r#"{"transactions":[{"id":"a,"amount":1,"type":"CREDIT"}]}"#,
            r#"{"transactions":[]}x"#,
            r#"{"transactions":[]}{}"#,
            r#"{"transactions":[]"#,
            r#"{"transactions":[}"#,
            r#"{"transactions":["#,
            r#"{"requestId":"abc"#,
            r#"{"requestId":"abcdefghijkl"#,
            r#"{"requestId":"a""#,
            r#"{"#,
            r#"[]"#,
            "",
        ] {
            leaves(json.as_bytes());
        }
    }

    #[test]
    fn a_total_out_of_range_is_left_to_the_general_path() {
        // 10^33 units each: about 170,000 of them leave i128.
        let tx = r#"{"id":"a","amount":999999999999999.999999999999999999,"type":"CREDIT"}"#;
        let json = format!(r#"{{"transactions":[{}]}}"#, vec![tx; 171_000].join(","));
        leaves(json.as_bytes());
        let fits = format!(r#"{{"transactions":[{}]}}"#, vec![tx; 1_000].join(","));
        assert!(compact(fits.as_bytes()).is_some());
    }

    #[test]
    fn string_stops_marks_each_kind_of_byte_that_ends_a_plain_string() {
        for (byte, stops) in [
            (b'"', true),
            (b'\\', true),
            (0x00, true),
            (0x1f, true),
            (0x80, true),
            (0xff, true),
            (b' ', false),
            (b'!', false),
            (b'#', false),
            (b'[', false),
            (b']', false),
            (0x7f, false),
        ] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = byte;
                let found = string_stops(u64::from_le_bytes(word));
                let first = (found != 0).then(|| found.trailing_zeros() / 8);
                assert_eq!(first, stops.then_some(at as u32), "byte {byte:#x} at {at}");
            }
        }
    }
}
