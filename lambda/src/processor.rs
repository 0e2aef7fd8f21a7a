//! One event in, one answer out, with every buffer reused from the previous event.

use std::time::SystemTime;

use base64::Engine;

use crate::credits::{CreditSummary, Summary};
use crate::document::{Document, Parser};
use crate::envelope::{check_content_type, classify, read_http_request, EventKind};
use crate::error::{ErrorCode, InputError};
use crate::payload::{read_batch, BatchInfo};
use crate::response::{write_error, write_http, write_success};

/// Lambda's synchronous invocation payload limit (6 MB), applied to the batch itself.
pub const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// Hard stop for a whole event (an API Gateway envelope around a base64 body can exceed the
/// batch limit); Lambda itself never delivers more than 6 MB.
pub const MAX_EVENT_BYTES: usize = 12 * 1024 * 1024;

/// How the invocation ends.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A response document to post (a direct answer, or any API Gateway response, 4xx included).
    Response(&'a [u8]),
    /// A direct invocation that failed on its input: posted as a Lambda function error.
    Failure(InputError),
}

#[derive(Default)]
pub struct Processor {
    event: Parser,
    body: Parser,
    decoded: Vec<u8>,
    answer: Vec<u8>,
    envelope: Vec<u8>,
}

impl Processor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one event (`now` becomes `processedAt`).
    pub fn handle(&mut self, event: &[u8], now: SystemTime) -> Outcome<'_> {
        let Processor {
            event: event_parser,
            body: body_parser,
            decoded,
            answer,
            envelope,
        } = self;
        if event.len() > MAX_EVENT_BYTES {
            return Outcome::Failure(too_large("payload", event.len()));
        }
        let document = match event_parser.parse(event, "payload") {
            Ok(document) => document,
            Err(err) => return Outcome::Failure(err),
        };
        match classify(&document) {
            Ok(EventKind::Direct) => {
                if event.len() > MAX_PAYLOAD_BYTES {
                    return Outcome::Failure(too_large("payload", event.len()));
                }
                match summarize(&document) {
                    Ok((summary, info)) => {
                        write_success(answer, &summary, &info, now);
                        Outcome::Response(answer)
                    }
                    Err(err) => Outcome::Failure(err),
                }
            }
            Ok(EventKind::ApiGateway) => {
                match http_batch(&document, body_parser, decoded) {
                    Ok((summary, info)) => {
                        write_success(answer, &summary, &info, now);
                        write_http(envelope, 200, answer);
                    }
                    Err(err) => {
                        write_error(answer, &err);
                        write_http(envelope, err.code.http_status(), answer);
                    }
                }
                Outcome::Response(envelope)
            }
            Err(err) => Outcome::Failure(err),
        }
    }
}

fn summarize<'s>(document: &Document<'s>) -> Result<(Summary, BatchInfo<'s>), InputError> {
    let mut credits = CreditSummary::default();
    let info = read_batch(document, |index, tx| credits.add(index, &tx))?;
    Ok((credits.finish(), info))
}

/// Unwraps an API Gateway body (base64 if flagged), then reads the batch in it.
fn http_batch<'s>(
    event: &Document<'s>,
    body_parser: &'s mut Parser,
    decoded: &'s mut Vec<u8>,
) -> Result<(Summary, BatchInfo<'s>), InputError> {
    let request = read_http_request(event)?;
    check_content_type(request.content_type)?;
    let raw = request.body.ok_or_else(|| {
        InputError::payload("body", "missing: POST the batch as the request body")
    })?;
    let body: &[u8] = if request.is_base64 {
        // Checked before decoding so an oversized body costs no decode.
        if raw.len() / 4 * 3 > MAX_PAYLOAD_BYTES + 3 {
            return Err(too_large("body", raw.len() / 4 * 3));
        }
        decoded.clear();
        base64::engine::general_purpose::STANDARD
            .decode_vec(raw, decoded)
            .map_err(|e| {
                InputError::new(
                    ErrorCode::InvalidBody,
                    format!("body: isBase64Encoded is true but the body is not valid base64 ({e})"),
                )
            })?;
        decoded
    } else {
        raw.as_bytes()
    };
    if body.len() > MAX_PAYLOAD_BYTES {
        return Err(too_large("body", body.len()));
    }
    let document = body_parser.parse(body, "body")?;
    let (summary, info) = summarize(&document)?;
    Ok((summary, info))
}

fn too_large(what: &str, len: usize) -> InputError {
    InputError::new(
        ErrorCode::PayloadTooLarge,
        format!("{what}: {len} bytes exceeds the {MAX_PAYLOAD_BYTES}-byte limit for synchronous invocations"),
    )
}
