//! Two ways in, one binary: a direct invocation carries the batch itself; an API Gateway event
//! (HTTP API payload 2.0, or REST payload 1.0) carries it in `body`, possibly base64. Telling
//! them apart looks only at the root's keys, so it costs the same for 3 or 100,000 transactions.

use crate::document::{Document, Value};
use crate::error::{ErrorCode, InputError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The batch itself (benchmarks, SDK `Invoke`, other AWS services).
    Direct,
    /// An API Gateway proxy event.
    ApiGateway,
}

/// What the function needs from an API Gateway event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest<'s> {
    pub body: Option<&'s str>,
    pub is_base64: bool,
    pub content_type: Option<&'s str>,
}

pub fn classify(document: &Document<'_>) -> Result<EventKind, InputError> {
    let mut cursor = document.cursor();
    let Value::Object { len } = cursor.value()? else {
        return Ok(EventKind::Direct); // the batch reader reports the wrong shape
    };
    // Stop at the first telling key: skipping `transactions` would walk the whole batch.
    let walk = cursor.members(len, |c, key| match key {
        "transactions" => Err(Walk::Decided(EventKind::Direct)),
        "requestContext" | "routeKey" | "httpMethod" => Err(Walk::Decided(EventKind::ApiGateway)),
        _ => c.skip().map_err(Walk::Failed),
    });
    match walk {
        Ok(()) => Ok(EventKind::Direct), // no telling key: the batch reader says what is missing
        Err(Walk::Decided(kind)) => Ok(kind),
        Err(Walk::Failed(err)) => Err(err),
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
    let mut cursor = document.cursor();
    let Value::Object { len } = cursor.value()? else {
        return Err(InputError::payload("event", "expected a JSON object"));
    };
    let mut request = HttpRequest::default();
    // A repeated field makes the request ambiguous (two bodies: which one to sum?), so it is
    // refused like a repeated field of the batch, never resolved by picking one.
    let (mut seen_body, mut seen_base64, mut seen_headers) = (false, false, false);
    cursor.members(len, |c, key| match key {
        "body" => {
            once(&mut seen_body, "body")?;
            request.body = match c.value()? {
                Value::String(s) => Some(s),
                Value::Null => None,
                other => {
                    return Err(InputError::payload(
                        "body",
                        format_args!("expected a string, found {}", other.kind()),
                    ))
                }
            };
            Ok(())
        }
        "isBase64Encoded" => {
            once(&mut seen_base64, "isBase64Encoded")?;
            request.is_base64 = match c.value()? {
                Value::Bool(b) => b,
                other => {
                    return Err(InputError::payload(
                        "isBase64Encoded",
                        format_args!("expected a boolean, found {}", other.kind()),
                    ))
                }
            };
            Ok(())
        }
        "headers" => {
            once(&mut seen_headers, "headers")?;
            match c.value()? {
                Value::Object { len } => c.members(len, |c, name| {
                    if name.eq_ignore_ascii_case("content-type") {
                        if request.content_type.is_some() {
                            return Err(InputError::payload(
                                "headers.content-type",
                                "duplicate field",
                            ));
                        }
                        if let Value::String(v) = c.value()? {
                            request.content_type = Some(v);
                        }
                        Ok(())
                    } else {
                        c.skip()
                    }
                }),
                Value::Null => Ok(()),
                other => Err(InputError::payload(
                    "headers",
                    format_args!("expected an object, found {}", other.kind()),
                )),
            }
        }
        _ => c.skip(),
    })?;
    Ok(request)
}

fn once(seen: &mut bool, field: &str) -> Result<(), InputError> {
    if std::mem::replace(seen, true) {
        return Err(InputError::payload(field, "duplicate field"));
    }
    Ok(())
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
