//! The Lambda Runtime API 2018-06-01 wire format: routes, header names, error bodies.
//! Kept free of server plumbing so the parsing is tested on its own.

use bytes::Bytes;
use hyper::Method;
use serde::Deserialize;

use crate::invocation::FunctionError;

pub const HEADER_REQUEST_ID: &str = "lambda-runtime-aws-request-id";
pub const HEADER_DEADLINE_MS: &str = "lambda-runtime-deadline-ms";
pub const HEADER_FUNCTION_ARN: &str = "lambda-runtime-invoked-function-arn";
pub const HEADER_TRACE_ID: &str = "lambda-runtime-trace-id";
pub const HEADER_ERROR_TYPE: &str = "lambda-runtime-function-error-type";

const PREFIX: &str = "/2018-06-01/runtime/";

/// A request the Runtime API understands, or why it does not.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Next,
    Response(String),
    Error(String),
    InitError,
    /// A known path with the wrong method.
    MethodNotAllowed,
    NotFound,
}

impl Route {
    pub fn parse(method: &Method, path: &str) -> Route {
        let Some(rest) = path.strip_prefix(PREFIX) else {
            return Route::NotFound;
        };
        let (route, want) = match rest.split('/').collect::<Vec<_>>().as_slice() {
            ["invocation", "next"] => (Route::Next, Method::GET),
            ["init", "error"] => (Route::InitError, Method::POST),
            ["invocation", id, "response"] if !id.is_empty() => {
                (Route::Response((*id).to_owned()), Method::POST)
            }
            ["invocation", id, "error"] if !id.is_empty() => {
                (Route::Error((*id).to_owned()), Method::POST)
            }
            _ => return Route::NotFound,
        };
        if *method == want {
            route
        } else {
            Route::MethodNotAllowed
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    error_type: Option<String>,
    error_message: Option<String>,
}

/// Reads an error post the way Lambda does: the JSON body's `errorType`/`errorMessage`, the
/// header as a fallback for the type, and the raw body as the message when it is not JSON.
pub fn parse_function_error(header: Option<&str>, body: Bytes) -> FunctionError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(&body).ok();
    let (body_type, body_message) = match parsed {
        Some(ErrorBody {
            error_type,
            error_message,
        }) => (error_type, error_message),
        None => (None, None),
    };
    let error_type = body_type
        .filter(|t| !t.is_empty())
        .or_else(|| header.filter(|h| !h.is_empty()).map(str::to_owned))
        .unwrap_or_else(|| "Unhandled".to_owned());
    let error_message = body_message.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
    FunctionError {
        error_type,
        error_message,
        error_type_header: header.map(str::to_owned),
        raw: body,
    }
}

/// The JSON error body the Runtime API answers with (`{"errorMessage":..,"errorType":..}`).
pub fn api_error_body(error_type: &str, message: &str) -> Bytes {
    Bytes::from(serde_json::json!({ "errorMessage": message, "errorType": error_type }).to_string())
}

/// An X-Ray style trace header, unique per invocation (runtimes copy it to `_X_AMZN_TRACE_ID`).
pub fn trace_id(epoch_secs: u64, request_id: &str) -> String {
    let hex: String = request_id.chars().filter(char::is_ascii_hexdigit).collect();
    let root = format!("{:0<24}", &hex[..hex.len().min(24)]);
    let parent = format!("{:0<16}", &hex[hex.len().saturating_sub(16)..]);
    format!("Root=1-{epoch_secs:08x}-{root};Parent={parent};Sampled=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            Route::parse(&get, "/2018-06-01/runtime/invocation/next"),
            Route::Next
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/abc-1/response"),
            Route::Response("abc-1".into())
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/abc-1/error"),
            Route::Error("abc-1".into())
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/init/error"),
            Route::InitError
        );
        assert_eq!(
            Route::parse(&post, "/2018-06-01/runtime/invocation/next"),
            Route::MethodNotAllowed
        );
        assert_eq!(
            Route::parse(&get, "/2018-06-01/runtime/invocation//response"),
            Route::NotFound
        );
        assert_eq!(
            Route::parse(&get, "/2020-01-01/runtime/invocation/next"),
            Route::NotFound
        );
        assert_eq!(Route::parse(&get, "/"), Route::NotFound);
    }

    #[test]
    fn error_body_wins_over_header() {
        let e = parse_function_error(
            Some("Runtime.Unknown"),
            Bytes::from_static(
                br#"{"errorType":"InvalidPayload","errorMessage":"transactions[3].amount: bad"}"#,
            ),
        );
        assert_eq!(e.error_type, "InvalidPayload");
        assert_eq!(e.error_message, "transactions[3].amount: bad");
        assert_eq!(e.error_type_header.as_deref(), Some("Runtime.Unknown"));
    }

    #[test]
    fn error_falls_back_to_header_then_unhandled() {
        let e = parse_function_error(Some("Runtime.ExitError"), Bytes::from_static(b"not json"));
        assert_eq!(e.error_type, "Runtime.ExitError");
        assert_eq!(e.error_message, "not json");
        let e = parse_function_error(None, Bytes::from_static(b"{}"));
        assert_eq!(e.error_type, "Unhandled");
        assert_eq!(e.error_message, "{}");
    }

    #[test]
    fn trace_id_shape() {
        let t = trace_id(0x5f00_0000, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        assert!(
            t.starts_with("Root=1-5f000000-8476a536e9f411e897392dfe;Parent="),
            "{t}"
        );
        assert!(t.ends_with(";Sampled=0"));
    }
}
