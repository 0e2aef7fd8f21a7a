//! What one invocation produced, as the Runtime API saw it. Shared by the local harness, the
//! benchmark runner and the cloud client so every figure is computed from the same shapes.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::process::ExitInfo;

/// A function error as posted to `/invocation/{id}/error` or `/init/error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// `errorType` of the JSON body; falls back to the `Lambda-Runtime-Function-Error-Type`
    /// header, then to `"Unhandled"` (what Lambda shows when a runtime gives neither).
    pub error_type: String,
    /// `errorMessage` of the JSON body, or the raw body when it is not the documented JSON.
    pub error_message: String,
    /// The `Lambda-Runtime-Function-Error-Type` header as sent, if any.
    pub error_type_header: Option<String>,
    /// The body exactly as posted.
    pub raw: Bytes,
}

impl fmt::Display for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.error_message)
    }
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The runtime posted to `/invocation/{id}/response`; this is the body.
    Response(Bytes),
    /// The runtime posted to `/invocation/{id}/error` (or the response exceeded the size limit,
    /// reported as `Function.ResponseSizeTooLarge` like Lambda does).
    FunctionError(FunctionError),
    /// No response or error arrived within the timeout (counted from when the event was handed
    /// out, or from the call when the runtime never asked for it).
    Timeout,
    /// The process exited before answering (only the process-aware [`crate::LocalFunction`]
    /// reports this; the bare [`crate::RuntimeApi`] cannot know).
    Crashed(ExitInfo),
}

impl Outcome {
    /// Short label for tables and REPORT lines: `ok`, `error`, `timeout`, `crash`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Response(_) => "ok",
            Outcome::FunctionError(_) => "error",
            Outcome::Timeout => "timeout",
            Outcome::Crashed(_) => "crash",
        }
    }

    /// The response body, if the invocation succeeded.
    pub fn response(&self) -> Option<&Bytes> {
        match self {
            Outcome::Response(body) => Some(body),
            _ => None,
        }
    }
}

/// One invocation, measured like Lambda's REPORT `Duration`: from the moment the event was
/// handed out on `GET /next` until the response or error body was fully received.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The `Lambda-Runtime-Aws-Request-Id` handed to the runtime.
    pub request_id: String,
    pub outcome: Outcome,
    /// Hand-out to result. For a timeout or crash: hand-out to when it was given up (zero if
    /// the event was never handed out).
    pub duration: Duration,
    /// When the event was handed out, if it was.
    pub delivered_at: Option<Instant>,
}
