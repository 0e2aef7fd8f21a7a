//! Shared state between the server's request handlers and the [`super::RuntimeApi`] handle:
//! the event queue, the invocations in flight, the init lifecycle, faults and counters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch};

use super::faults::{Anomaly, AnomalyKind, Fault};
use super::ApiConfig;
use crate::invocation::{FunctionError, Outcome};

/// An event waiting to be handed out on `GET /next`.
pub(crate) struct Event {
    pub request_id: String,
    pub payload: Bytes,
    pub timeout: Duration,
}

/// What the handler sends back to the waiting `invoke` call.
pub(crate) struct Completed {
    pub outcome: Outcome,
    pub delivered_at: Instant,
    pub at: Instant,
}

struct InFlight {
    delivered_at: Option<Instant>,
    done: oneshot::Sender<Completed>,
}

/// Init phase as observed by the API: the first `GET /next` or an `/init/error`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lifecycle {
    pub first_next: Option<Instant>,
    pub init_error: Option<(Instant, FunctionError)>,
}

/// Request counters, readable at any time (e.g. to prove keep-alive reuse).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApiStats {
    /// TCP connections accepted.
    pub connections: u64,
    /// HTTP requests received, all routes.
    pub requests: u64,
    /// `GET /invocation/next` requests.
    pub next_requests: u64,
    /// Response and error posts accepted for an invocation in flight.
    pub results: u64,
    /// `GET /invocation/next` requests waiting for an event right now: the runtime's workers
    /// that are idle (a Lambda Managed Instances runtime keeps `AWS_LAMBDA_MAX_CONCURRENCY`
    /// of them open).
    pub polls_open: u64,
    /// The most `polls_open` has been.
    pub polls_open_max: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
    pub next_requests: AtomicU64,
    pub results: AtomicU64,
    pub polls_open: AtomicU64,
    pub polls_open_max: AtomicU64,
    /// Woken whenever a poll opens, for [`super::RuntimeApi::wait_polls_open`].
    pub poll_opened: tokio::sync::Notify,
}

impl Counters {
    /// Counts a `GET /next` as waiting until the returned guard is dropped (the event handed
    /// out, an early answer, or the connection gone).
    pub fn open_poll(&self) -> OpenPoll<'_> {
        let open = self.polls_open.fetch_add(1, Ordering::Relaxed) + 1;
        self.polls_open_max.fetch_max(open, Ordering::Relaxed);
        self.poll_opened.notify_waiters();
        OpenPoll { counters: self }
    }
}

/// One waiting `GET /next` in [`Counters::polls_open`].
pub(crate) struct OpenPoll<'a> {
    counters: &'a Counters,
}

impl Drop for OpenPoll<'_> {
    fn drop(&mut self) {
        self.counters.polls_open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Book {
    in_flight: HashMap<String, InFlight>,
    faults: VecDeque<Fault>,
    anomalies: Vec<Anomaly>,
}

pub(crate) struct Shared {
    pub config: ApiConfig,
    pub counters: Counters,
    pub lifecycle: watch::Sender<Lifecycle>,
    pub events_tx: mpsc::UnboundedSender<Event>,
    /// Only one `GET /next` takes from the queue at a time; holding the lock across the wait
    /// is what makes a dropped long-poll lose nothing (`recv` is cancel-safe).
    pub events_rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<Event>>,
    book: Mutex<Book>,
}

impl Shared {
    pub fn new(config: ApiConfig) -> Shared {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        Shared {
            config,
            counters: Counters::default(),
            lifecycle: watch::Sender::new(Lifecycle::default()),
            events_tx,
            events_rx: tokio::sync::Mutex::new(events_rx),
            book: Mutex::new(Book::default()),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        // A panic while holding this lock cannot leave the book half-updated in a way that
        // matters more than losing the whole API, so recover the data.
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn stats(&self) -> ApiStats {
        let c = &self.counters;
        ApiStats {
            connections: c.connections.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            next_requests: c.next_requests.load(Ordering::Relaxed),
            results: c.results.load(Ordering::Relaxed),
            polls_open: c.polls_open.load(Ordering::Relaxed),
            polls_open_max: c.polls_open_max.load(Ordering::Relaxed),
        }
    }

    pub fn inject(&self, fault: Fault) {
        self.book().faults.push_back(fault);
    }

    /// Takes the first queued fault that applies to the `GET /next` numbered `Some(n)` (or, for
    /// `None`, to a result post).
    pub fn take_fault(&self, next_number: Option<u64>) -> Option<Fault> {
        let mut book = self.book();
        let index = book
            .faults
            .iter()
            .position(|f| f.applies_to_next() == next_number.is_some() && f.due(next_number))?;
        if book.faults[index].persistent() {
            return Some(book.faults[index].clone());
        }
        book.faults.remove(index)
    }

    pub fn anomaly(&self, kind: AnomalyKind, detail: impl Into<String>) {
        let detail = detail.into();
        self.book().anomalies.push(Anomaly {
            at: Instant::now(),
            kind,
            detail,
        });
    }

    pub fn anomalies(&self) -> Vec<Anomaly> {
        self.book().anomalies.clone()
    }

    pub fn register(&self, request_id: String, done: oneshot::Sender<Completed>) {
        self.book().in_flight.insert(
            request_id,
            InFlight {
                delivered_at: None,
                done,
            },
        );
    }

    /// Marks an event handed out; false if its invocation was given up meanwhile.
    pub fn mark_delivered(&self, request_id: &str, at: Instant) -> bool {
        match self.book().in_flight.get_mut(request_id) {
            Some(entry) => {
                entry.delivered_at = Some(at);
                true
            }
            None => false,
        }
    }

    pub fn delivered_at(&self, request_id: &str) -> Option<Instant> {
        self.book()
            .in_flight
            .get(request_id)
            .and_then(|e| e.delivered_at)
    }

    /// Removes an invocation that is being given up. `None` if it is no longer in flight.
    pub fn cancel(&self, request_id: &str) -> Option<Option<Instant>> {
        self.book()
            .in_flight
            .remove(request_id)
            .map(|e| e.delivered_at)
    }

    /// Delivers a result to the waiting `invoke`. False when the id is not in flight or its
    /// event was never handed out (a runtime cannot know an id it was not given).
    pub fn complete(&self, request_id: &str, outcome: Outcome, at: Instant) -> bool {
        let entry = {
            let mut book = self.book();
            match book.in_flight.get(request_id) {
                Some(InFlight {
                    delivered_at: Some(_),
                    ..
                }) => book.in_flight.remove(request_id),
                _ => None,
            }
        };
        let Some(InFlight {
            delivered_at: Some(delivered_at),
            done,
        }) = entry
        else {
            return false;
        };
        self.counters.results.fetch_add(1, Ordering::Relaxed);
        // The receiver may have just timed out; the result is then simply late.
        let _ = done.send(Completed {
            outcome,
            delivered_at,
            at,
        });
        true
    }

    /// Records the first `GET /next`; later ones change nothing.
    pub fn note_next(&self, at: Instant) {
        self.lifecycle.send_if_modified(|l| {
            if l.first_next.is_none() {
                l.first_next = Some(at);
                true
            } else {
                false
            }
        });
    }

    /// Records an `/init/error`. Returns false (and keeps the first) if init already ended.
    pub fn note_init_error(&self, at: Instant, error: FunctionError) -> bool {
        let mut accepted = false;
        self.lifecycle.send_if_modified(|l| {
            if l.first_next.is_none() && l.init_error.is_none() {
                l.init_error = Some((at, error));
                accepted = true;
            }
            accepted
        });
        accepted
    }
}
