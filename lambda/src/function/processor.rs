//! One event in, one answer out, with every buffer reused from the previous event.

use std::time::SystemTime;

use base64::Engine;

use crate::domain::compact_batch::read_compact_batch;
use crate::domain::credits::{CreditSummary, Summary};
use crate::domain::document::{Document, Parser};
use crate::domain::error::{ErrorCode, InputError};
use crate::domain::payload::{read_batch, BatchInfo};
use crate::function::envelope::{
    check_content_type, classify, read_http_request, sniff_kind, EventKind, HttpRequest,
};
use crate::function::response::{write_http, write_http_error, write_success};

/// Lambda's synchronous invocation payload limit (6 MB). Lambda applies it to the whole event,
/// so no event, direct or from API Gateway, can be larger when it comes from Lambda.
pub const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// The largest event read at all: an API Gateway envelope around a 6 MB body (base64 adds a
/// third). The runtime drains anything beyond it unread.
pub const MAX_EVENT_BYTES: usize = 12 * 1024 * 1024;
/// Buffers are kept between invocations up to this size; what a rare huge event grew beyond
/// it is given back (docs/design.md, "Size first, memory given back").
pub const RETAINED_BUFFER_BYTES: usize = 1024 * 1024;
/// A burst of big events keeps its buffers (re-growing them for every event cost more than the
/// parsing, measured through the Runtime API): they are given back only once this many events
/// in a row have fitted the retained size.
pub const SMALL_EVENTS_BEFORE_TRIM: u32 = 8;

/// How the invocation ends.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// A response document to post (a direct answer, or any API Gateway response, 4xx included).
    Response(&'a [u8]),
    /// A direct invocation that failed on its input: posted as a Lambda function error.
    Failure(InputError),
}

#[derive(Default)]
pub struct Processor {
    event: Parser,
    body: Parser,
    /// An API Gateway body's JSON text, unescaped from the event's string.
    body_text: Vec<u8>,
    /// The same, base64-decoded when `isBase64Encoded` says so.
    decoded: Vec<u8>,
    answer: Vec<u8>,
    envelope: Vec<u8>,
    /// Events in a row no larger than [`RETAINED_BUFFER_BYTES`].
    small_streak: u32,
}

impl Processor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one event (`now` becomes `processedAt`).
    pub fn handle(&mut self, event: &[u8], now: SystemTime) -> Reply<'_> {
        let Processor {
            event: event_parser,
            body: body_parser,
            body_text,
            decoded,
            answer,
            envelope,
            small_streak,
        } = self;
        *small_streak = if event.len() > RETAINED_BUFFER_BYTES {
            0
        } else {
            small_streak.saturating_add(1)
        };
        // Sizes are checked before anything is indexed, so an oversized event costs no memory:
        // a direct batch over the limit is refused at once; an API Gateway envelope may exceed
        // it around a body that does not (the body's own limit is checked after unwrapping).
        if event.len() > MAX_PAYLOAD_BYTES {
            match sniff_kind(event) {
                EventKind::Direct => {
                    return Reply::Failure(too_large("payload", event.len()));
                }
                EventKind::ApiGateway if event.len() > MAX_EVENT_BYTES => {
                    write_http_error(envelope, answer, &too_large("body", event.len()));
                    return Reply::Response(envelope);
                }
                EventKind::ApiGateway => {}
            }
        }
        // The usual batch is read straight from its bytes; anything else (an API Gateway event
        // included) takes stage 1 and the walk, which also name whatever is wrong.
        if let Some((summary, info)) = read_compact_batch(event) {
            write_success(answer, &summary, &info, now);
            return Reply::Response(answer);
        }
        let document = match event_parser.parse(event, "payload") {
            Ok(document) => document,
            Err(err) => return Reply::Failure(err),
        };
        match classify(&document) {
            Ok(EventKind::Direct) => match summarize(&document) {
                Ok((summary, info)) => {
                    write_success(answer, &summary, &info, now);
                    Reply::Response(answer)
                }
                Err(err) => Reply::Failure(err),
            },
            Ok(EventKind::ApiGateway) => {
                let request = match read_http_request(&document) {
                    Ok(request) => Ok(request),
                    // An envelope that is not JSON cannot be answered over HTTP.
                    Err(err) if err.code == ErrorCode::InvalidJson => return Reply::Failure(err),
                    Err(err) => Err(err),
                };
                match request.and_then(|r| http_batch(r, body_parser, body_text, decoded)) {
                    Ok((summary, info)) => {
                        write_success(answer, &summary, &info, now);
                        write_http(envelope, 200, answer);
                    }
                    Err(err) => write_http_error(envelope, answer, &err),
                }
                Reply::Response(envelope)
            }
            Err(err) => Reply::Failure(err),
        }
    }

    /// True once big events have stopped coming ([`SMALL_EVENTS_BEFORE_TRIM`] small ones in a
    /// row): the moment to [`Processor::trim`], and to trim the caller's event buffer too.
    pub fn trim_due(&self) -> bool {
        self.small_streak == SMALL_EVENTS_BEFORE_TRIM
    }

    /// Gives back what big events made the buffers grow; typical sizes stay. True if anything
    /// was freed.
    pub fn trim(&mut self) -> bool {
        let mut freed = self.event.trim() | self.body.trim();
        for buffer in [
            &mut self.body_text,
            &mut self.decoded,
            &mut self.answer,
            &mut self.envelope,
        ] {
            freed |= trim_buffer(buffer);
        }
        freed
    }
}

/// Frees a reused buffer that grew past [`RETAINED_BUFFER_BYTES`]; true if it did.
pub fn trim_buffer(buffer: &mut Vec<u8>) -> bool {
    let freed = buffer.capacity() > RETAINED_BUFFER_BYTES;
    if freed {
        *buffer = Vec::new();
    }
    freed
}

fn summarize<'s>(document: &Document<'s>) -> Result<(Summary, BatchInfo<'s>), InputError> {
    let mut credits = CreditSummary::default();
    let info = read_batch(document, |index, tx| credits.add(index, &tx))?;
    Ok((credits.finish(), info))
}

/// Unwraps an API Gateway body (unescaped, then base64-decoded if flagged) and reads the
/// batch in it.
fn http_batch<'s>(
    request: HttpRequest<'s>,
    body_parser: &'s mut Parser,
    body_text: &'s mut Vec<u8>,
    decoded: &'s mut Vec<u8>,
) -> Result<(Summary, BatchInfo<'s>), InputError> {
    check_content_type(request.content_type.as_deref())?;
    let raw = request.body.ok_or_else(|| {
        InputError::payload("body", "missing: POST the batch as the request body")
    })?;
    let text = raw.bytes_in(body_text);
    let body: &[u8] = if request.is_base64 {
        // Checked before decoding so an oversized body costs no decode.
        if text.len() / 4 * 3 > MAX_PAYLOAD_BYTES + 3 {
            return Err(too_large("body", text.len() / 4 * 3));
        }
        decoded.clear();
        base64::engine::general_purpose::STANDARD
            .decode_vec(text, decoded)
            .map_err(|e| {
                InputError::new(
                    ErrorCode::InvalidBody,
                    format!("body: isBase64Encoded is true but the body is not valid base64 ({e})"),
                )
            })?;
        decoded
    } else {
        text
    };
    if body.len() > MAX_PAYLOAD_BYTES {
        return Err(too_large("body", body.len()));
    }
    if let Some(read) = read_compact_batch(body) {
        return Ok(read);
    }
    let document = body_parser.parse(body, "body")?;
    summarize(&document)
}

fn too_large(what: &str, len: usize) -> InputError {
    InputError::new(
        ErrorCode::PayloadTooLarge,
        format!("{what}: {len} bytes exceeds the {MAX_PAYLOAD_BYTES}-byte limit for synchronous invocations"),
    )
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    /// A direct batch of exactly `len` bytes (debits, padded by an ignored field).
    fn batch_of(len: usize) -> Vec<u8> {
        let tx = r#"{"id":"tx","amount":1,"type":"DEBIT"}"#;
        let head = r#"{"pad":""#;
        let n = len / (tx.len() + 1) / 2;
        let tail = format!(r#"","transactions":[{}]}}"#, vec![tx; n].join(","));
        let pad = "x".repeat(len - head.len() - tail.len());
        let event = format!("{head}{pad}{tail}").into_bytes();
        assert_eq!(event.len(), len);
        event
    }

    fn answered(p: &mut Processor, event: &[u8]) -> bool {
        matches!(p.handle(event, UNIX_EPOCH), Reply::Response(_))
    }

    /// An API Gateway event around `body` (already JSON-escaped), padded by an ignored field
    /// to exactly `len` bytes when `len` is given.
    fn api_event(body: &str, base64: bool, len: Option<usize>) -> Vec<u8> {
        let head = r#"{"routeKey":"POST /","pad":""#;
        let tail = format!(r#"","isBase64Encoded":{base64},"body":"{body}"}}"#);
        let pad = len.map_or(0, |len| len - head.len() - tail.len());
        let event = format!("{head}{}{tail}", "x".repeat(pad)).into_bytes();
        assert_eq!(event.len(), len.unwrap_or(event.len()));
        event
    }

    /// The status and body of an API Gateway answer.
    fn http_answer(reply: Reply<'_>) -> (u16, String) {
        let Reply::Response(bytes) = reply else {
            panic!("not answered over HTTP: {reply:?}");
        };
        let envelope: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let status = envelope["statusCode"].as_u64().unwrap() as u16;
        (status, envelope["body"].as_str().unwrap().to_owned())
    }

    fn http(p: &mut Processor, event: &[u8]) -> (u16, String) {
        http_answer(p.handle(event, UNIX_EPOCH))
    }

    /// A 413 naming `size` as the body's size.
    fn assert_too_large((status, body): (u16, String), size: usize) {
        assert_eq!(status, 413, "{body}");
        let expected = format!("body: {size} bytes exceeds");
        assert!(body.contains(&expected), "{body}");
    }

    const EMPTY_BATCH: &str = r#"{\"transactions\":[]}"#;

    #[test]
    fn an_envelope_up_to_the_event_limit_is_read_and_one_byte_more_is_not() {
        let mut p = Processor::new();
        let at_limit = api_event(EMPTY_BATCH, false, Some(MAX_EVENT_BYTES));
        let (status, body) = http(&mut p, &at_limit);
        assert_eq!(status, 200, "{body}");
        let over = api_event(EMPTY_BATCH, false, Some(MAX_EVENT_BYTES + 1));
        assert_too_large(http(&mut p, &over), MAX_EVENT_BYTES + 1);
    }

    #[test]
    fn a_plain_body_up_to_the_payload_limit_is_read_and_one_byte_more_is_not() {
        let mut p = Processor::new();
        // `{"transactions":[],"p":"xx…"}` unescaped: 26 bytes of JSON around the padding.
        let body_of = |len: usize| {
            format!(
                r#"{{\"transactions\":[],\"p\":\"{}\"}}"#,
                "x".repeat(len - 26)
            )
        };
        let (status, body) = http(&mut p, &api_event(&body_of(MAX_PAYLOAD_BYTES), false, None));
        assert_eq!(status, 200, "{body}");
        let over = api_event(&body_of(MAX_PAYLOAD_BYTES + 1), false, None);
        assert_too_large(http(&mut p, &over), MAX_PAYLOAD_BYTES + 1);
    }

    #[test]
    fn an_oversized_base64_body_is_refused_before_it_is_decoded() {
        let mut p = Processor::new();
        // Not base64 at all: a decode would say so, the size check must come first. At
        // MAX_PAYLOAD_BYTES + 3 decoded bytes (padding included) the size passes and the decode
        // speaks; 4 characters more, the size is refused, naming the decoded size.
        let fits = (MAX_PAYLOAD_BYTES + 3) / 3 * 4;
        let (status, body) = http(&mut p, &api_event(&"!".repeat(fits), true, None));
        assert_eq!(status, 400);
        assert!(body.contains("not valid base64"), "{body}");
        let over = api_event(&"!".repeat(fits + 4), true, None);
        assert_too_large(http(&mut p, &over), MAX_PAYLOAD_BYTES + 6);
    }

    #[test]
    fn an_envelope_that_is_not_json_fails_the_invocation_and_a_bad_field_is_a_400() {
        let mut p = Processor::new();
        // Stage 1 passes it; the walk after the telling key finds the broken literal.
        let broken = br#"{"routeKey":"POST /","body":"{}","x":tru}"#;
        match p.handle(broken, UNIX_EPOCH) {
            Reply::Failure(err) => assert_eq!(err.code, ErrorCode::InvalidJson, "{err:?}"),
            other => panic!("answered over HTTP: {other:?}"),
        }
        let (status, body) = http(&mut p, br#"{"routeKey":"POST /","body":5}"#);
        assert_eq!(status, 400);
        assert!(body.contains("body: expected a string"), "{body}");
    }

    #[test]
    fn trimming_reports_the_parsers_own_buffers() {
        // Both indexes grow past their retained size (over 256k structurals each), while every
        // byte buffer stays under its own: the event's padding array and a body of small
        // numbers that needs no unescaping beyond its quotes (under 1 MiB as text).
        let numbers = |n: usize| vec!["0"; n].join(",");
        let body = format!(r#"{{\"transactions\":[],\"n\":[{}]}}"#, numbers(300_000));
        let event = format!(
            r#"{{"routeKey":"POST /","pad":[{}],"body":"{body}"}}"#,
            numbers(300_000)
        );
        let mut p = Processor::new();
        let (status, answer) = http(&mut p, event.as_bytes());
        assert_eq!(status, 200, "{answer}");
        assert!(p.body_text.capacity() <= RETAINED_BUFFER_BYTES);
        assert!(p.trim(), "both indexes are freed");
        assert!(!p.trim());
    }

    #[test]
    fn buffers_are_given_back_once_big_events_stop() {
        let big = batch_of(3 * RETAINED_BUFFER_BYTES);
        // Up to 1 MiB is a typical event: it keeps the buffers it needs.
        let typical = batch_of(1024 * 1024);
        let mut p = Processor::new();
        assert!(answered(&mut p, &big));
        assert!(!p.trim_due());
        for _ in 1..SMALL_EVENTS_BEFORE_TRIM {
            assert!(answered(&mut p, &typical));
            assert!(!p.trim_due());
        }
        assert!(answered(&mut p, &typical));
        assert!(
            p.trim_due(),
            "due after {SMALL_EVENTS_BEFORE_TRIM} typical events"
        );
        assert!(p.trim(), "the big event's index buffer is given back");
        assert!(!p.trim(), "nothing more to give back");
        assert!(answered(&mut p, &typical));
        assert!(!p.trim_due(), "due once, not after every later event");
    }

    #[test]
    fn only_a_buffer_grown_past_the_retained_size_is_freed() {
        let mut kept = Vec::<u8>::with_capacity(RETAINED_BUFFER_BYTES);
        let capacity = kept.capacity();
        assert!(!trim_buffer(&mut kept));
        assert_eq!(kept.capacity(), capacity);
        let mut grown = Vec::<u8>::with_capacity(capacity + 1);
        assert!(trim_buffer(&mut grown));
        assert_eq!(grown.capacity(), 0);
    }
}
