//! Faults the Runtime API can inject, so tests can check how a runtime copes with a platform that
//! misbehaves. Each injected fault is consumed by the first request it applies to.

use std::time::{Duration, Instant};

/// One misbehaviour of the Runtime API, applied once to the next matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer the next `GET /invocation/next` with this status and an error body.
    NextStatus(u16),
    /// Close the connection of the next `GET /invocation/next` without answering.
    NextDrop,
    /// Close the connection of the n-th `GET /invocation/next` (1-based, counted from the API's
    /// start) without answering: a runtime told "no more events" after exactly n - 1, with no
    /// race against its next request (`lambda-bench count` ends its runs so).
    NextDropNth(u64),
    /// Hold the next `GET /invocation/next` this long before looking for an event.
    NextDelay(Duration),
    /// Answer the next response or error post with this status and discard it (the invocation
    /// then times out unless the runtime posts again).
    RejectResult(u16),
    /// Close the connection of the next response or error post without answering or recording it.
    DropResult,
}

impl Fault {
    pub(crate) fn applies_to_next(&self) -> bool {
        matches!(
            self,
            Fault::NextStatus(_) | Fault::NextDrop | Fault::NextDropNth(_) | Fault::NextDelay(_)
        )
    }

    /// Whether it applies to the request numbered `number` (`GET /next` requests are numbered
    /// from 1; results are not numbered).
    pub(crate) fn due(&self, number: Option<u64>) -> bool {
        match self {
            Fault::NextDropNth(n) => number == Some(*n),
            _ => true,
        }
    }
}

/// Marker error returned by the request handler so hyper closes the connection unanswered.
#[derive(Debug)]
pub(crate) struct InjectedDrop;

impl std::fmt::Display for InjectedDrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by injected fault")
    }
}

impl std::error::Error for InjectedDrop {}

/// Something a runtime did that the API refused or could not parse: the evidence for a
/// "writes garbage to the Runtime API" report.
#[derive(Debug, Clone)]
pub struct Anomaly {
    pub at: Instant,
    pub kind: AnomalyKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnomalyKind {
    /// A path outside the 2018-06-01 Runtime API.
    UnknownRoute,
    /// A known path with the wrong HTTP method.
    WrongMethod,
    /// A response or error for a request id that is not in flight (unknown, timed out, or
    /// already answered).
    UnknownRequestId,
    /// A response body over the size limit (Lambda: 6 MB for synchronous invokes).
    ResponseTooLarge,
    /// Bytes that are not HTTP, or a request cut off mid-way.
    BadRequest,
    /// A second `/init/error`, or one after the runtime already asked for an event.
    LateInitError,
}

impl std::fmt::Display for Anomaly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.detail)
    }
}
