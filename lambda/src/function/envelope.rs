//! Two ways in, one binary: a direct invocation carries the batch itself; an API Gateway event
//! (HTTP API payload 2.0, or REST payload 1.0) carries it in `body`, possibly base64. Telling
//! them apart looks only at the root's keys, so it costs the same for 3 or 100,000 transactions.

use std::borrow::Cow;

use crate::domain::document::{Document, JsonStr, Value};
use crate::domain::error::{once, ErrorCode, InputError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The batch itself (benchmarks, SDK `Invoke`, other AWS services).
    Direct,
    /// An API Gateway proxy event.
    ApiGateway,
}

/// Root keys that only an API Gateway proxy event has (payload 2.0, REST 1.0).
fn is_api_gateway_key(key: &[u8]) -> bool {
    matches!(key, b"requestContext" | b"routeKey" | b"httpMethod")
}

/// What the function needs from an API Gateway event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest<'s> {
    /// The body as it stands in the event (still JSON-escaped).
    pub body: Option<JsonStr<'s>>,
    pub is_base64: bool,
    pub content_type: Option<Cow<'s, str>>,
}

pub fn classify(document: &Document<'_>) -> Result<EventKind, InputError> {
    let mut cursor = document.cursor();
    let Value::Object = cursor.value()? else {
        return Ok(EventKind::Direct); // the batch reader reports the wrong shape
    };
    // Stop at the first telling key: skipping `transactions` would walk the whole batch.
    let walk = cursor.members(|c, key| {
        if key.eq_str("transactions") {
            Err(Walk::Decided(EventKind::Direct))
        } else if is_api_gateway_key(&key.bytes()) {
            Err(Walk::Decided(EventKind::ApiGateway))
        } else {
            c.skip().map_err(Walk::Failed)
        }
    });
    match walk {
        Ok(()) => Ok(EventKind::Direct), // no telling key: the batch reader says what is missing
        Err(Walk::Decided(kind)) => Ok(kind),
        Err(Walk::Failed(err)) => Err(err),
    }
}

/// The kind of an event too large to index, from a scalar look at its root keys: enough to
/// answer an oversized API Gateway request with HTTP 413 instead of a function error, at no
/// memory cost. Anything it cannot make sense of is taken for a direct invocation.
pub fn sniff_kind(event: &[u8]) -> EventKind {
    let mut i = skip_ws(event, 0);
    if event.get(i) != Some(&b'{') {
        return EventKind::Direct;
    }
    i += 1;
    loop {
        i = skip_ws(event, i);
        let Some(key_end) = string_end(event, i) else {
            return EventKind::Direct;
        };
        let key = &event[i + 1..key_end - 1];
        if key == b"transactions" {
            return EventKind::Direct;
        }
        if is_api_gateway_key(key) {
            return EventKind::ApiGateway;
        }
        i = skip_ws(event, key_end);
        if event.get(i) != Some(&b':') {
            return EventKind::Direct;
        }
        // Skip the value: strings whole, brackets counted, anything else up to a separator.
        let mut depth = 0usize;
        i += 1; // past the ':'
        loop {
            i = skip_ws(event, i);
            match event.get(i) {
                None => return EventKind::Direct,
                Some(b'"') => match string_end(event, i) {
                    Some(end) => i = end,
                    None => return EventKind::Direct,
                },
                Some(b'{' | b'[') => {
                    depth += 1;
                    i += 1;
                }
                Some(b'}' | b']') if depth > 0 => {
                    depth -= 1;
                    i += 1;
                }
                Some(b',') if depth == 0 => {
                    i += 1;
                    break;
                }
                Some(b'}') => return EventKind::Direct,
                Some(_) => i += 1,
            }
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset just past the string whose opening quote is at `i`.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// A member walk that ends early once the kind is known.
enum Walk {
    Decided(EventKind),
    Failed(InputError),
}

impl From<InputError> for Walk {
    fn from(err: InputError) -> Self {
        Walk::Failed(err)
    }
}

pub fn read_http_request<'s>(document: &Document<'s>) -> Result<HttpRequest<'s>, InputError> {
    document.read(|cursor| {
        let Value::Object = cursor.value()? else {
            return Err(InputError::payload("event", "expected a JSON object"));
        };
        let mut request = HttpRequest::default();
        // A repeated field makes the request ambiguous (two bodies: which one to sum?), so it
        // is refused like a repeated field of the batch, never resolved by picking one.
        let (mut seen_body, mut seen_base64, mut seen_headers) = (false, false, false);
        cursor.members(|c, key| {
            if key.eq_str("body") {
                once(&mut seen_body, "body")?;
                request.body = match c.field_value(&"body")? {
                    Value::String(s) => Some(s),
                    Value::Null => None,
                    other => return Err(InputError::expected("body", "a string", other.kind())),
                };
                Ok(())
            } else if key.eq_str("isBase64Encoded") {
                once(&mut seen_base64, "isBase64Encoded")?;
                request.is_base64 = match c.value()? {
                    Value::Bool(b) => b,
                    other => {
                        return Err(InputError::expected(
                            "isBase64Encoded",
                            "a boolean",
                            other.kind(),
                        ))
                    }
                };
                Ok(())
            } else if key.eq_str("headers") {
                once(&mut seen_headers, "headers")?;
                match c.value()? {
                    Value::Object => c.members(|c, name| {
                        if name.text().eq_ignore_ascii_case("content-type") {
                            if request.content_type.is_some() {
                                return Err(InputError::duplicate("headers.content-type"));
                            }
                            match c.field_value(&"headers.content-type")? {
                                Value::String(v) => request.content_type = Some(v.text()),
                                other => c.skip_entered(other)?, // not a media type: ignored
                            }
                            Ok(())
                        } else {
                            c.skip()
                        }
                    }),
                    Value::Null => Ok(()),
                    other => Err(InputError::expected("headers", "an object", other.kind())),
                }
            } else {
                c.skip()
            }
        })?;
        Ok(request)
    })
}

/// `application/json`, `application/json; charset=utf-8`, or any `+json` type is accepted;
/// a request without a content-type is given the benefit of the doubt.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), InputError> {
    let Some(value) = content_type else {
        return Ok(());
    };
    let media = value.split(';').next().unwrap_or("").trim();
    let bytes = media.as_bytes();
    let json = media.eq_ignore_ascii_case("application/json")
        || (bytes.len() > 5 && bytes[bytes.len() - 5..].eq_ignore_ascii_case(b"+json"));
    if json {
        Ok(())
    } else {
        Err(InputError::new(
            ErrorCode::UnsupportedMediaType,
            format!("content-type: expected application/json, got {value:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(event: &str) -> EventKind {
        sniff_kind(event.as_bytes())
    }

    #[test]
    fn sniffing_skips_nested_values_to_the_telling_key() {
        // Objects and arrays before the telling key, with separators inside them.
        let nested = r#"{"headers":{"a":"b","c":[1,{"d":2}]},"q":[3,4],"routeKey":"POST /"}"#;
        assert_eq!(sniffed(nested), EventKind::ApiGateway);
        assert_eq!(
            sniffed(r#"{"headers":{"a":"b"},"transactions":[]}"#),
            EventKind::Direct
        );
        // Scalars (numbers, literals) before the telling key.
        assert_eq!(
            sniffed(r#"{"version":2.0,"ok":true,"none":null,"httpMethod":"POST"}"#),
            EventKind::ApiGateway
        );
    }

    #[test]
    fn sniffing_without_a_telling_key_ends_at_the_roots_close() {
        assert_eq!(sniffed(r#"{"a":1}"#), EventKind::Direct);
        assert_eq!(sniffed(r#"{"a":{"b":[]}}"#), EventKind::Direct);
        assert_eq!(sniffed(r#"{"a":1,"b":"routeKey"}"#), EventKind::Direct);
        assert_eq!(sniffed(r#"{"a":1"#), EventKind::Direct);
        assert_eq!(sniffed(r#"["routeKey"]"#), EventKind::Direct);
    }

    #[test]
    fn sniffing_allows_whitespace_wherever_json_does() {
        let spaced = " \r\n\t{ \"a\" :\t{ \"b\" : [ 1 , 2 ] } ,\n  \"requestContext\" : { } }";
        assert_eq!(sniffed(spaced), EventKind::ApiGateway);
    }

    #[test]
    fn sniffing_reads_escaped_quotes_inside_strings() {
        // The value's escaped quote does not end it, so the next key is routeKey.
        assert_eq!(
            sniffed(r#"{"a":"\"","routeKey":"x"}"#),
            EventKind::ApiGateway
        );
        // A key that merely contains a telling key's name, after an escaped quote.
        assert_eq!(
            sniffed(r#"{"x\"routeKey":1,"transactions":[]}"#),
            EventKind::Direct
        );
    }

    #[test]
    fn json_media_types_are_accepted_and_others_refused() {
        for accepted in [
            None,
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("application/vnd.api+json"),
            Some("application/problem+JSON ; q=1"),
        ] {
            assert_eq!(check_content_type(accepted), Ok(()), "{accepted:?}");
        }
        for refused in ["+json", "text/plain", "application/jsonx", "json", ""] {
            let err = check_content_type(Some(refused)).unwrap_err();
            assert_eq!(err.code, ErrorCode::UnsupportedMediaType, "{refused:?}");
            assert_eq!(
                err.message,
                format!("content-type: expected application/json, got {refused:?}")
            );
        }
    }
}
