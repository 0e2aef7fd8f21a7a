//! The Lambda Runtime API (2018-06-01) over one keep-alive HTTP/1.1 connection per worker:
//! requests written from one reused buffer, answers parsed with `httparse` (the parser hyper
//! uses), event bodies read straight into the worker's event buffer.
//!
//! Each worker owns one [`Connection`] and has one invocation in flight, so a connection never
//! has a second request to multiplex and a pool never has anything to share. The Runtime API is
//! three fixed requests on a loopback socket: `GET next`, `POST response`, `POST error`. Measured
//! on the arm64 build, a seed event cost 63,136 instructions through the official pooled client
//! (hyper-util's legacy `Client`: checkout, SipHash of the pool key, the base URI re-parsed per
//! request), 39,026 through hyper's connection-level client (its dispatch task and channels,
//! header maps), and less again here (docs/design.md, "Own Runtime API loop").
//!
//! A result post carries the worker's next `GET next` in the same write (HTTP/1.1 pipelining):
//! one `send` per invocation instead of two, and no round trip between answering one event and
//! asking for the next. The Runtime API answers a connection's requests in order, so the post's
//! answer is read first; a server that closes after it never saw the `GET`, which is then sent
//! again on a new connection.
//!
//! What the client accepts of the server: `Content-Length` and `chunked` bodies, a body ended by
//! the connection's close, `Connection: close` (the next request opens a new connection), 1xx
//! interim answers (skipped). It sends no `Expect`, no upgrade.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::BufMut;
use http::{StatusCode, Uri};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::function::processor::MAX_EVENT_BYTES;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";
const INVOCATION: &str = "/2018-06-01/runtime/invocation/";
const USER_AGENT: &str = concat!("transactions-lambda/", env!("CARGO_PKG_VERSION"));

/// Why the runtime stopped: the process should exit and let the platform start a fresh one.
#[derive(Debug)]
pub struct RuntimeError(pub String);

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuntimeError {}

pub(crate) fn fail(context: &str, err: impl std::fmt::Display) -> RuntimeError {
    RuntimeError(format!("{context}: {err}"))
}

/// Where the Runtime API is, resolved once at start and shared by every worker.
#[derive(Debug, Clone)]
pub struct Endpoint {
    addrs: Vec<SocketAddr>,
    /// `host:port`, as the `Host` header.
    host: String,
    /// A path every request is prefixed with (`cargo lambda watch` serves under one).
    base_path: String,
}

impl Endpoint {
    /// Reads `AWS_LAMBDA_RUNTIME_API`.
    pub fn from_env() -> Result<Endpoint, RuntimeError> {
        let api = std::env::var("AWS_LAMBDA_RUNTIME_API").map_err(|_| {
            RuntimeError("AWS_LAMBDA_RUNTIME_API is not set: not running in Lambda?".into())
        })?;
        Endpoint::parse(&api)
    }

    /// Lambda sets `host:port`; `cargo lambda watch` sets a URL with a path
    /// (`http://127.0.0.1:9000/.rt/bootstrap`), which prefixes every request. The host is
    /// resolved here, once: an IP address costs no lookup, a name is looked up at start rather
    /// than on a blocking thread per connection.
    pub fn parse(api: &str) -> Result<Endpoint, RuntimeError> {
        let url = if api.contains("://") {
            api.to_owned()
        } else {
            format!("http://{api}")
        };
        let uri = url
            .parse::<Uri>()
            .map_err(|e| fail("AWS_LAMBDA_RUNTIME_API is neither host:port nor a URL", e))?;
        let Some(authority) = uri.authority() else {
            return Err(RuntimeError(format!(
                "AWS_LAMBDA_RUNTIME_API {api:?} names no host"
            )));
        };
        let port = authority.port_u16().unwrap_or(80);
        let addrs: Vec<SocketAddr> = (authority.host().trim_matches(['[', ']']), port)
            .to_socket_addrs()
            .map_err(|e| fail(&format!("resolving the Runtime API host {authority}"), e))?
            .collect();
        if addrs.is_empty() {
            return Err(RuntimeError(format!(
                "the Runtime API host {authority} resolves to no address"
            )));
        }
        // Both come from a parsed URI: no space or line break can reach the request line.
        let host = authority.as_str().to_owned();
        let base_path = uri.path().trim_end_matches('/').to_owned();
        Ok(Endpoint {
            addrs,
            host,
            base_path,
        })
    }

    /// The `host:port` requests are addressed to (their `Host` header).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path prefix of every request (empty for Lambda's `host:port`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

/// One invocation as handed out by `next`; its event is in the buffer given to `next`.
#[derive(Debug)]
pub struct Invocation {
    pub request_id: String,
    pub deadline: Option<SystemTime>,
}

/// The largest answer head read: the Runtime API's are a few hundred bytes.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Headers an answer may carry (the Runtime API sends about eight).
const MAX_HEADERS: usize = 64;
/// The least room left for one socket read.
const READ_ROOM: usize = 16 * 1024;

/// How an answer's body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyLength {
    Bytes(u64),
    Chunked,
    UntilClose,
}

/// What the client needs of an answer's head.
#[derive(Debug)]
struct Head {
    status: StatusCode,
    body: BodyLength,
    /// The server will close the connection after this answer.
    close: bool,
    request_id: Option<String>,
    deadline_ms: Option<u64>,
}

/// A worker's own connection to the Runtime API.
pub struct Connection {
    endpoint: Endpoint,
    stream: Option<TcpStream>,
    /// The request being written: head and body, one `write`.
    request: Vec<u8>,
    /// Bytes read and not yet consumed: `input[start..]`. Kept between answers: it holds at most
    /// an unfinished head or trailer section (under `MAX_HEAD_BYTES`) and one read's room.
    input: Vec<u8>,
    start: usize,
    /// A `GET next` went out behind the last result post and its answer is still to be read.
    next_sent: bool,
}

/// What a result post asks for right behind it, in the same write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The worker's next invocation: `GET next` is pipelined behind the post.
    Next,
    /// Nothing: the connection is used for this post only.
    Nothing,
}

impl Connection {
    /// Connects lazily: the first request opens the socket.
    pub fn new(endpoint: Endpoint) -> Connection {
        Connection {
            endpoint,
            stream: None,
            request: Vec::new(),
            input: Vec::new(),
            start: 0,
            next_sent: false,
        }
    }

    /// Where this connection goes.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// `GET next`: waits for an invocation and reads its event into `event` (cleared first).
    /// Past [`MAX_EVENT_BYTES`] the body is drained, not kept: one byte over the limit is
    /// enough for the processor to report the event as too large.
    pub async fn next(&mut self, event: &mut Vec<u8>) -> Result<Invocation, RuntimeError> {
        const WHAT: &str = "GET next";
        if !std::mem::take(&mut self.next_sent) {
            self.request.clear();
            push_request(&mut self.request, &self.endpoint, "GET", NEXT, None, &[]);
            self.send().await.map_err(|e| fail(WHAT, e))?;
        }
        let head = self.read_answer_head().await.map_err(|e| fail(WHAT, e))?;
        event.clear();
        self.read_body(head.body, Some(event), MAX_EVENT_BYTES + 1)
            .await
            .map_err(|e| fail("reading the event body", e))?;
        self.finish(&head);
        if !head.status.is_success() {
            return Err(RuntimeError(format!("{WHAT} answered {}", head.status)));
        }
        let request_id = head.request_id.filter(|id| !id.is_empty()).ok_or_else(|| {
            RuntimeError("next event without Lambda-Runtime-Aws-Request-Id".into())
        })?;
        // `Lambda-Runtime-Trace-Id` is deliberately not copied to `_X_AMZN_TRACE_ID`: nothing
        // here makes traced downstream calls, Managed Instances do not set it (several
        // invocations share the process), and glibc's setenv keeps every distinct value it was
        // ever given (a unique trace id per event leaked ~130 bytes per invocation: +13 MB
        // over 100,000, found by lambda/tests/soak.rs).
        Ok(Invocation {
            request_id,
            deadline: head.deadline_ms.and_then(deadline_from_epoch_ms),
        })
    }

    /// `POST /invocation/{id}/response`, then `then`; the status the Runtime API answered the
    /// post with.
    pub async fn post_response(
        &mut self,
        id: &str,
        body: &[u8],
        then: Then,
    ) -> Result<StatusCode, RuntimeError> {
        self.post("POST response", id, "/response", None, body, then)
            .await
    }

    /// `POST /invocation/{id}/error` with `Lambda-Runtime-Function-Error-Type`, then `then`.
    pub async fn post_error(
        &mut self,
        id: &str,
        error_type: &'static str,
        document: &[u8],
        then: Then,
    ) -> Result<StatusCode, RuntimeError> {
        self.post("POST error", id, "/error", Some(error_type), document, then)
            .await
    }

    async fn post(
        &mut self,
        what: &str,
        id: &str,
        result: &str,
        error_type: Option<&'static str>,
        body: &[u8],
        then: Then,
    ) -> Result<StatusCode, RuntimeError> {
        // The id goes into the request line: anything but URI-safe characters would let the
        // Runtime API's answer rewrite our request.
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            return Err(RuntimeError(format!(
                "{what}: the request id {id:?} does not fit a URI"
            )));
        }
        if self.next_sent {
            return Err(RuntimeError(format!(
                "{what}: a GET next is still unanswered on this connection"
            )));
        }
        self.request.clear();
        let post = Some((result, error_type));
        push_request(&mut self.request, &self.endpoint, "POST", id, post, body);
        if then == Then::Next {
            push_request(&mut self.request, &self.endpoint, "GET", NEXT, None, &[]);
        }
        self.send().await.map_err(|e| fail(what, e))?;
        let head = self.read_answer_head().await.map_err(|e| fail(what, e))?;
        self.read_body(head.body, None, 0)
            .await
            .map_err(|e| fail(what, e))?;
        self.finish(&head);
        // A server that closed after the post never read the `GET`: `next` sends it again.
        self.next_sent = then == Then::Next && self.stream.is_some();
        Ok(head.status)
    }

    /// Writes what is in `request`, on a new connection if there is none. A request that fails
    /// on the connection is not retried: its invocation's state is unknown, so the process
    /// exits instead.
    async fn send(&mut self) -> Result<(), String> {
        if self.stream.is_none() {
            self.stream = Some(connect(&self.endpoint).await?);
            self.input.clear();
            self.start = 0;
        }
        let stream = self.stream.as_mut().ok_or("no connection")?;
        stream
            .write_all(&self.request)
            .await
            .map_err(|e| e.to_string())
    }

    /// Reads the head of the next answer on the connection, past any 1xx interim answer.
    async fn read_answer_head(&mut self) -> Result<Head, String> {
        loop {
            let head = self.read_head().await?;
            if !head.status.is_informational() {
                return Ok(head);
            }
        }
    }

    /// Parses an answer's head from `input`, reading more as needed.
    async fn read_head(&mut self) -> Result<Head, String> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut answer = httparse::Response::new(&mut headers);
            match answer.parse(&self.input[self.start..]) {
                Ok(httparse::Status::Complete(length)) => {
                    let head = read_head_fields(&answer)?;
                    self.start += length;
                    return Ok(head);
                }
                Ok(httparse::Status::Partial) => {
                    if at_head_limit(&self.input[self.start..]) {
                        return Err(format!("an answer head over {MAX_HEAD_BYTES} bytes"));
                    }
                    if self.fill().await? == 0 {
                        return Err("connection closed before the answer".into());
                    }
                }
                Err(e) => return Err(format!("an answer that is not HTTP/1.1: {e}")),
            }
        }
    }

    /// Reads a body to its end: up to `limit` bytes of it appended to `sink`, the rest dropped.
    async fn read_body(
        &mut self,
        length: BodyLength,
        mut sink: Option<&mut Vec<u8>>,
        limit: usize,
    ) -> Result<(), String> {
        match length {
            BodyLength::Bytes(n) => self.copy(n, &mut sink, limit).await,
            BodyLength::Chunked => loop {
                let (line, size) = loop {
                    match httparse::parse_chunk_size(&self.input[self.start..]) {
                        Ok(httparse::Status::Complete(found)) => break found,
                        Ok(httparse::Status::Partial) => {
                            if self.fill().await? == 0 {
                                return Err("connection closed inside a chunked body".into());
                            }
                        }
                        Err(_) => return Err("a chunk size that is not hex".into()),
                    }
                };
                self.start += line;
                if size == 0 {
                    return self.skip_trailers().await;
                }
                self.copy(size, &mut sink, limit).await?;
                self.expect_crlf().await?;
            },
            BodyLength::UntilClose => loop {
                if self.start == self.input.len() && self.fill().await? == 0 {
                    self.stream = None;
                    return Ok(());
                }
                let available = self.input.len() - self.start;
                self.copy(available as u64, &mut sink, limit).await?;
            },
        }
    }

    /// Moves `n` body bytes into `sink` (up to `limit`), from what is buffered first, then
    /// straight from the socket into `sink`'s own memory while it has room.
    async fn copy(
        &mut self,
        mut n: u64,
        sink: &mut Option<&mut Vec<u8>>,
        limit: usize,
    ) -> Result<(), String> {
        while n > 0 {
            let buffered = self.input.len() - self.start;
            if buffered > 0 {
                let take = buffered.min(usize::try_from(n).unwrap_or(usize::MAX));
                keep(sink, &self.input[self.start..self.start + take], limit);
                self.start += take;
                n -= take as u64;
                continue;
            }
            let room = match sink {
                Some(buf) => limit.saturating_sub(buf.len()),
                None => 0,
            };
            let read = match sink {
                Some(buf) if room > 0 => {
                    let want = room.min(usize::try_from(n).unwrap_or(usize::MAX));
                    buf.reserve(want);
                    let stream = self.stream.as_mut().ok_or("no connection")?;
                    stream
                        .read_buf(&mut (&mut **buf).limit(want))
                        .await
                        .map_err(|e| e.to_string())?
                }
                _ => self.fill().await?,
            };
            if read == 0 {
                return Err("connection closed inside a body".into());
            }
            if room > 0 {
                n -= read as u64;
            }
        }
        Ok(())
    }

    /// Consumes the CRLF after a chunk's data.
    async fn expect_crlf(&mut self) -> Result<(), String> {
        loop {
            match self.input[self.start..] {
                [b'\r', b'\n', ..] => {
                    self.start += 2;
                    return Ok(());
                }
                [] | [b'\r'] => {
                    if self.fill().await? == 0 {
                        return Err("connection closed inside a chunked body".into());
                    }
                }
                _ => return Err("a chunk not followed by CRLF".into()),
            }
        }
    }

    /// Consumes a chunked body's trailer section, up to its empty line.
    async fn skip_trailers(&mut self) -> Result<(), String> {
        loop {
            let pending = &self.input[self.start..];
            if let Some(end) = pending.windows(2).position(|w| w == b"\r\n") {
                self.start += end + 2;
                if end == 0 {
                    return Ok(());
                }
            } else if at_head_limit(pending) {
                return Err(format!("trailers over {MAX_HEAD_BYTES} bytes"));
            } else if self.fill().await? == 0 {
                return Err("connection closed inside the trailers".into());
            }
        }
    }

    /// Reads more of the answer into `input`. What is consumed goes first, so what is kept moves
    /// to the front: a partial head, chunk line or trailer, never a read's worth of body (`copy`
    /// takes what is buffered before it reads).
    async fn fill(&mut self) -> Result<usize, String> {
        self.input.drain(..self.start);
        self.start = 0;
        self.input.reserve(READ_ROOM);
        let stream = self.stream.as_mut().ok_or("no connection")?;
        stream
            .read_buf(&mut self.input)
            .await
            .map_err(|e| e.to_string())
    }

    /// After an answer: a server that said it closes gets a new connection next time.
    fn finish(&mut self, head: &Head) {
        if head.close {
            self.stream = None;
        }
    }
}

/// Whether a head or trailer section still unfinished at `pending.len()` bytes is over the
/// limit: it goes on past this many.
fn at_head_limit(pending: &[u8]) -> bool {
    pending.len() >= MAX_HEAD_BYTES
}

/// Appends what fits under `limit` to the sink; the rest is dropped.
fn keep(sink: &mut Option<&mut Vec<u8>>, bytes: &[u8], limit: usize) {
    if let Some(buf) = sink {
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }
}

/// The fields of an answer head the client acts on.
fn read_head_fields(answer: &httparse::Response<'_, '_>) -> Result<Head, String> {
    let code = answer.code.ok_or("an answer without a status")?;
    let status = StatusCode::from_u16(code).map_err(|e| e.to_string())?;
    let mut length = None;
    let mut chunked = false;
    // HTTP/1.0 closes unless it says otherwise; this client never asks for 1.0.
    let mut close = answer.version == Some(0);
    let mut request_id = None;
    let mut deadline_ms = None;
    for header in answer.headers.iter() {
        let name = header.name;
        let value = header.value;
        if name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(value)
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or("a Content-Length that is not a number")?;
            if length.is_some_and(|seen| seen != n) {
                return Err("two different Content-Length headers".into());
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked must be the last coding; nothing else is sent by a Runtime API.
            let last = value.rsplit(|&b| b == b',').next().unwrap_or_default();
            if !last.trim_ascii().eq_ignore_ascii_case(b"chunked") {
                return Err("a transfer coding other than chunked".into());
            }
            chunked = true;
        } else if name.eq_ignore_ascii_case("connection") {
            close = value
                .split(|&b| b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"));
        } else if name.eq_ignore_ascii_case("lambda-runtime-aws-request-id") {
            request_id = std::str::from_utf8(value).ok().map(str::to_owned);
        } else if name.eq_ignore_ascii_case("lambda-runtime-deadline-ms") {
            deadline_ms = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
        }
    }
    let no_body = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let body = match (chunked, length) {
        _ if no_body => BodyLength::Bytes(0),
        // Chunked outranks a Content-Length beside it (RFC 9112, 6.3).
        (true, _) => BodyLength::Chunked,
        (false, Some(n)) => BodyLength::Bytes(n),
        (false, None) => BodyLength::UntilClose,
    };
    Ok(Head {
        status,
        body,
        close: close || body == BodyLength::UntilClose,
        request_id,
        deadline_ms,
    })
}

/// Appends one request to `out`. `target` is `next`'s path, or a request id with `result`
/// naming the result path and the error type, if any.
fn push_request(
    out: &mut Vec<u8>,
    endpoint: &Endpoint,
    method: &str,
    target: &str,
    result: Option<(&str, Option<&'static str>)>,
    body: &[u8],
) {
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(endpoint.base_path.as_bytes());
    match result {
        None => out.extend_from_slice(target.as_bytes()),
        Some((result, _)) => {
            out.extend_from_slice(INVOCATION.as_bytes());
            out.extend_from_slice(target.as_bytes());
            out.extend_from_slice(result.as_bytes());
        }
    }
    out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    out.extend_from_slice(endpoint.host.as_bytes());
    out.extend_from_slice(b"\r\nUser-Agent: ");
    out.extend_from_slice(USER_AGENT.as_bytes());
    // Only a result post has a body (`GET next` sends no Content-Length).
    if let Some((_, error_type)) = result {
        if let Some(error_type) = error_type {
            out.extend_from_slice(b"\r\nLambda-Runtime-Function-Error-Type: ");
            out.extend_from_slice(error_type.as_bytes());
            out.extend_from_slice(b"\r\nContent-Type: application/json");
        }
        out.extend_from_slice(b"\r\nContent-Length: ");
        push_decimal(out, body.len());
    }
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
}

/// Writes `n` in decimal: the request's Content-Length, without the formatting machinery.
fn push_decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

async fn connect(endpoint: &Endpoint) -> Result<TcpStream, String> {
    let mut last_error = None;
    for addr in &endpoint.addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // Each write is whole requests, small ones: never wait for Nagle's algorithm.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => last_error = Some(err),
        }
    }
    Err(format!(
        "connecting to the Runtime API at {}: {}",
        endpoint.host,
        last_error.map_or_else(|| "no address".to_owned(), |e| e.to_string())
    ))
}

/// Lambda sends the deadline in milliseconds since the epoch; `cargo lambda watch` sends a
/// duration (`600000`). A value before September 2001 cannot be an epoch deadline of a
/// running invocation, so it is treated as no deadline rather than as one long past.
fn deadline_from_epoch_ms(ms: u64) -> Option<SystemTime> {
    const EARLIEST_EPOCH_MS: u64 = 1_000_000_000_000;
    (ms >= EARLIEST_EPOCH_MS).then(|| UNIX_EPOCH + Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    #[test]
    fn runtime_api_as_lambda_or_cargo_lambda_sets_it() {
        let lambda = Endpoint::parse("127.0.0.1:9001").unwrap();
        assert_eq!(lambda.host(), "127.0.0.1:9001");
        assert_eq!(lambda.base_path(), "");
        assert_eq!(lambda.addrs, ["127.0.0.1:9001".parse().unwrap()]);
        let watch = Endpoint::parse("http://127.0.0.1:9000/.rt/bootstrap").unwrap();
        assert_eq!(watch.host(), "127.0.0.1:9000");
        assert_eq!(watch.base_path(), "/.rt/bootstrap");
        let v6 = Endpoint::parse("[::1]:9001").unwrap();
        assert_eq!(v6.addrs, ["[::1]:9001".parse().unwrap()]);
        assert!(Endpoint::parse("not a host").is_err());
        assert!(Endpoint::parse("http:///path").is_err());
        // A URL that parses but has no host (a path, with "://" only in its query).
        let err = Endpoint::parse("/next?from=http://x").unwrap_err();
        assert!(err.0.contains("names no host"), "{}", err.0);
    }

    #[test]
    fn deadlines_are_epoch_milliseconds_or_ignored() {
        assert_eq!(deadline_from_epoch_ms(600_000), None);
        assert_eq!(
            deadline_from_epoch_ms(1_767_225_600_000),
            Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
        );
    }

    #[test]
    fn decimals_are_written_without_formatting() {
        for n in [0, 7, 10, 179, 6_291_456, usize::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    /// One scripted answer: written in these pieces (a pause between them, so the client reads
    /// them apart), then the connection closed if `close`.
    struct Answer {
        pieces: Vec<Vec<u8>>,
        close: bool,
    }

    fn answer(pieces: &[&[u8]]) -> Answer {
        Answer {
            pieces: pieces.iter().map(|p| p.to_vec()).collect(),
            close: false,
        }
    }

    /// A server that reads each request (head, then `Content-Length` bytes) and plays the
    /// script; returns what it received, one entry per connection.
    async fn scripted(script: Vec<Answer>) -> (Endpoint, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = Endpoint::parse(&listener.local_addr().unwrap().to_string()).unwrap();
        let server = tokio::spawn(async move {
            let mut received = Vec::new();
            let mut script = script.into_iter().peekable();
            while script.peek().is_some() {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut seen = Vec::new();
                for step in script.by_ref() {
                    // One request: its head, then its body.
                    let head_end = loop {
                        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        let n = socket.read(&mut chunk).await.unwrap();
                        assert!(n > 0, "client closed early");
                        seen.extend_from_slice(&chunk[..n]);
                    };
                    let head = String::from_utf8_lossy(&seen[..head_end]).to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    while seen.len() < head_end + length {
                        let mut chunk = [0u8; 4096];
                        let n = socket.read(&mut chunk).await.unwrap();
                        seen.extend_from_slice(&chunk[..n]);
                    }
                    received.push(seen.drain(..head_end + length).collect::<Vec<u8>>());
                    for piece in &step.pieces {
                        socket.write_all(piece).await.unwrap();
                        socket.flush().await.unwrap();
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    if step.close {
                        break;
                    }
                }
            }
            received
        });
        (endpoint, server)
    }

    const OK: &[u8] = b"HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";

    #[tokio::test]
    async fn requests_are_http_1_1_with_host_agent_and_exact_lengths() {
        let next = b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: abc-1\r\nLambda-Runtime-Deadline-Ms: 1767225600000\r\nContent-Length: 2\r\n\r\n{}";
        let (endpoint, server) =
            scripted(vec![answer(&[next]), answer(&[OK]), answer(&[OK])]).await;
        let host = endpoint.host().to_owned();
        let mut connection = Connection::new(endpoint);
        let mut event = Vec::new();
        let invocation = connection.next(&mut event).await.unwrap();
        assert_eq!(invocation.request_id, "abc-1");
        assert_eq!(
            invocation.deadline,
            Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
        );
        assert_eq!(event, b"{}");
        let status = connection
            .post_response("abc-1", b"[1]", Then::Nothing)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        let status = connection
            .post_error("abc-1", "InvalidJson", b"{\"e\":1}", Then::Nothing)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        let received = server.await.unwrap();
        assert_eq!(received.len(), 3, "one connection kept alive for all three");
        let agent = concat!("transactions-lambda/", env!("CARGO_PKG_VERSION"));
        assert_eq!(
            String::from_utf8_lossy(&received[0]),
            format!("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {agent}\r\n\r\n")
        );
        assert_eq!(
            String::from_utf8_lossy(&received[1]),
            format!("POST /2018-06-01/runtime/invocation/abc-1/response HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {agent}\r\nContent-Length: 3\r\n\r\n[1]")
        );
        assert_eq!(
            String::from_utf8_lossy(&received[2]),
            format!("POST /2018-06-01/runtime/invocation/abc-1/error HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {agent}\r\nLambda-Runtime-Function-Error-Type: InvalidJson\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{{\"e\":1}}")
        );
    }

    #[tokio::test]
    async fn bodies_arrive_in_pieces_by_length_chunks_or_close() {
        let by_length: &[&[u8]] = &[
            b"HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: a\r\nCon",
            b"tent-Length: 11\r\n\r\nhello",
            b" world",
        ];
        let chunked: &[&[u8]] = &[
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: b\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            b"lo\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\nY-Trailer: u\r\n",
            b"\r\n",
        ];
        // A head alone in its read, so the body starts with nothing buffered.
        let until_close: &[&[u8]] = &[
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: c\r\n\r\n",
            b"hello",
            b" world",
        ];
        // And one whose body starts in the head's read.
        let until_close_with_head: &[&[u8]] = &[
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: c2\r\n\r\nhello",
            b" world",
        ];
        let script = vec![
            answer(by_length),
            answer(chunked),
            Answer {
                pieces: until_close.iter().map(|p| p.to_vec()).collect(),
                close: true,
            },
            Answer {
                pieces: until_close_with_head.iter().map(|p| p.to_vec()).collect(),
                close: true,
            },
            answer(&[b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: d\r\nConnection: close\r\nContent-Length: 1\r\n\r\n!"]),
        ];
        let mut script = script;
        script[4].close = true;
        script.push(answer(&[b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: e\r\nContent-Length: 0\r\n\r\n"]));
        // A chunk size line, a chunk's CRLF and a trailer each split between two reads.
        script.push(answer(&[
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: f\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;e",
            b"xt=1\r\n world\r",
            b"\n0\r\nX-Tr",
            b"ailer: t\r\n\r\n",
        ]));
        let (endpoint, server) = scripted(script).await;
        let mut connection = Connection::new(endpoint);
        let mut event = Vec::new();
        for (id, body) in [
            ("a", &b"hello world"[..]),
            ("b", b"hello world"),
            ("c", b"hello world"),
            ("c2", b"hello world"),
            ("d", b"!"),
            ("e", b""),
            ("f", b"hello world"),
        ] {
            let invocation = connection.next(&mut event).await.unwrap();
            assert_eq!(invocation.request_id, id);
            assert_eq!(event, body, "{id}");
        }
        // Seven requests; ended by close twice, then closed on request: four connections.
        let received = server.await.unwrap();
        assert_eq!(received.len(), 7);
    }

    #[tokio::test]
    async fn an_event_over_the_limit_is_drained_and_one_byte_more_kept() {
        let size = MAX_EVENT_BYTES + 5000;
        let mut big = format!("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: big\r\nContent-Length: {size}\r\n\r\n").into_bytes();
        big.resize(big.len() + size, b'x');
        let after = b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: small\r\nContent-Length: 3\r\n\r\nabc";
        let (endpoint, server) = scripted(vec![answer(&[&big]), answer(&[after])]).await;
        let mut connection = Connection::new(endpoint);
        let mut event = Vec::new();
        connection.next(&mut event).await.unwrap();
        assert_eq!(event.len(), MAX_EVENT_BYTES + 1);
        // The rest was read off the connection: the next answer is whole.
        let invocation = connection.next(&mut event).await.unwrap();
        assert_eq!(
            (invocation.request_id.as_str(), &event[..]),
            ("small", &b"abc"[..])
        );
        server.await.unwrap();
    }

    /// An answer for request `id` whose head is `head_len` bytes long (a padding header makes
    /// up the length), with a two-byte body.
    fn answer_with_head_of(id: &str, head_len: usize) -> Vec<u8> {
        let start = format!("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: {id}\r\nContent-Length: 2\r\nX-Padding: ");
        let mut bytes = start.into_bytes();
        bytes.resize(head_len - 4, b'p');
        bytes.extend_from_slice(b"\r\n\r\nok");
        bytes
    }

    #[tokio::test]
    async fn answer_heads_up_to_the_limit_are_read_and_longer_ones_refused() {
        // Each big head comes behind a small answer in the same read, so it starts part way
        // into the buffer, and the connection must go on serving after it.
        let small = |id: &str| {
            format!("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: {id}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes()
        };
        for (head_len, accepted) in [(MAX_HEAD_BYTES, true), (MAX_HEAD_BYTES + 1, false)] {
            let mut first = small("a");
            first.extend_from_slice(&answer_with_head_of("b", head_len));
            let (endpoint, _server) =
                scripted(vec![answer(&[&first]), answer(&[]), answer(&[&small("c")])]).await;
            let mut connection = Connection::new(endpoint);
            let mut event = Vec::new();
            assert_eq!(connection.next(&mut event).await.unwrap().request_id, "a");
            let big = connection.next(&mut event).await;
            if accepted {
                assert_eq!(big.unwrap().request_id, "b", "a head of {head_len} bytes");
                assert_eq!(event, b"ok");
                let after = connection.next(&mut event).await.unwrap();
                assert_eq!((after.request_id.as_str(), event.len()), ("c", 0));
            } else {
                let err = big.unwrap_err().0;
                assert!(err.contains("answer head over"), "{head_len} bytes: {err}");
            }
        }
    }

    fn fields(head: &[u8]) -> Result<Head, String> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut answer = httparse::Response::new(&mut headers);
        assert!(answer.parse(head).unwrap().is_complete());
        read_head_fields(&answer)
    }

    #[test]
    fn how_each_answer_head_says_its_body_ends() {
        let body = |head: &[u8]| fields(head).unwrap().body;
        assert_eq!(
            body(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
            BodyLength::Bytes(5)
        );
        assert_eq!(
            body(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            ),
            BodyLength::Chunked
        );
        assert_eq!(body(b"HTTP/1.1 200 OK\r\n\r\n"), BodyLength::UntilClose);
        assert!(fields(b"HTTP/1.1 200 OK\r\n\r\n").unwrap().close);
        // No body, whatever the headers say.
        for status in ["100 Continue", "204 No Content", "304 Not Modified"] {
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            );
            let head = fields(head.as_bytes()).unwrap();
            assert_eq!(
                (head.body, head.close),
                (BodyLength::Bytes(0), false),
                "{status}"
            );
        }
        for length in ["", "+5", "-1", "5 5", "0x5", "99999999999999999999"] {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n");
            let err = fields(head.as_bytes()).map(|h| h.body).unwrap_err();
            assert!(err.contains("not a number"), "{length:?}: {err}");
        }
    }

    async fn next_fails_with(answer_bytes: &[u8], close: bool) -> String {
        let (endpoint, _server) = scripted(vec![Answer {
            pieces: vec![answer_bytes.to_vec()],
            close,
        }])
        .await;
        let mut connection = Connection::new(endpoint);
        connection.next(&mut Vec::new()).await.unwrap_err().0
    }

    #[tokio::test]
    async fn answers_that_are_not_what_a_runtime_api_sends_are_errors() {
        let err = next_fails_with(b"SSH-2.0-OpenSSH\r\n\r\n", false).await;
        assert!(
            err.starts_with("GET next: an answer that is not HTTP/1.1"),
            "{err}"
        );
        let err = next_fails_with(b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", false).await;
        assert!(err.contains("Content-Length that is not a number"), "{err}");
        let err = next_fails_with(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            false,
        )
        .await;
        assert!(err.contains("two different Content-Length"), "{err}");
        let err =
            next_fails_with(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false).await;
        assert!(err.contains("other than chunked"), "{err}");
        let err = next_fails_with(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true).await;
        assert!(
            err.starts_with("reading the event body: connection closed inside a body"),
            "{err}"
        );
        let err = next_fails_with(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            false,
        )
        .await;
        assert!(err.contains("chunk size that is not hex"), "{err}");
        let err = next_fails_with(b"HTTP/1.1 200 OK\r\nContent-Le", true).await;
        assert!(err.contains("connection closed before the answer"), "{err}");
        let mut huge = b"HTTP/1.1 200 OK\r\nX-Padding: ".to_vec();
        huge.resize(MAX_HEAD_BYTES + 100, b'0');
        let err = next_fails_with(&huge, false).await;
        assert!(err.contains("answer head over"), "{err}");
        let mut huge =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Padding: ".to_vec();
        huge.resize(MAX_HEAD_BYTES * 2, b'0');
        let err = next_fails_with(&huge, false).await;
        assert!(err.contains("trailers over"), "{err}");
        let err = next_fails_with(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
            false,
        )
        .await;
        assert_eq!(err, "GET next answered 500 Internal Server Error");
        let err = next_fails_with(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false).await;
        assert!(
            err.contains("without Lambda-Runtime-Aws-Request-Id"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn request_ids_that_do_not_fit_a_request_line_are_refused_unsent() {
        let (endpoint, _server) = scripted(vec![answer(&[OK])]).await;
        let mut connection = Connection::new(endpoint);
        for id in ["", "a b", "a\r\nX-Injected: 1", "../next", "id?x=1"] {
            let err = connection
                .post_response(id, b"{}", Then::Next)
                .await
                .unwrap_err()
                .0;
            assert!(err.contains("does not fit a URI"), "{id:?}: {err}");
        }
        assert!(connection.stream.is_none(), "nothing was sent");
    }

    const NEXT_ANSWER: &[u8] =
        b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: id-2\r\nContent-Length: 2\r\n\r\n[]";

    /// Reads from `socket` until `seen` holds `count` request heads (none of these has a body).
    async fn read_heads(socket: &mut TcpStream, seen: &mut Vec<u8>, count: usize) {
        while seen.windows(4).filter(|w| *w == b"\r\n\r\n").count() < count {
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "client closed early");
            seen.extend_from_slice(&chunk[..n]);
        }
    }

    #[tokio::test]
    async fn a_result_post_carries_the_next_poll_before_its_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = Endpoint::parse(&listener.local_addr().unwrap().to_string()).unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            // The server answers nothing until both requests are in: a client that waited for
            // the post's answer before asking for the next event would never get one.
            read_heads(&mut socket, &mut seen, 1).await;
            seen.clear();
            socket.write_all(NEXT_ANSWER).await.unwrap();
            read_heads(&mut socket, &mut seen, 2).await;
            socket.write_all(OK).await.unwrap();
            socket.write_all(NEXT_ANSWER).await.unwrap();
            seen
        });
        let mut connection = Connection::new(endpoint);
        let mut event = Vec::new();
        connection.next(&mut event).await.unwrap();
        let status = connection
            .post_error("id-2", "InvalidJson", b"", Then::Next)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        // The next poll's answer was already asked for: `next` only reads it.
        let invocation = tokio::time::timeout(Duration::from_secs(5), connection.next(&mut event))
            .await
            .expect("the pipelined poll was answered")
            .unwrap();
        assert_eq!(invocation.request_id, "id-2");
        assert_eq!(event, b"[]");
        let seen = String::from_utf8(server.await.unwrap()).unwrap();
        let (post, get) = seen.split_once("\r\n\r\n").unwrap();
        assert!(
            post.starts_with("POST /2018-06-01/runtime/invocation/id-2/error "),
            "{post}"
        );
        assert!(post.ends_with("Content-Length: 0"), "{post}");
        assert!(
            get.starts_with("GET /2018-06-01/runtime/invocation/next "),
            "{get}"
        );
    }

    #[tokio::test]
    async fn a_poll_lost_to_a_closing_server_is_sent_again_on_a_new_connection() {
        let close_ok = b"HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        let (endpoint, server) = scripted(vec![
            Answer {
                pieces: vec![close_ok.to_vec()],
                close: true,
            },
            answer(&[NEXT_ANSWER]),
        ])
        .await;
        let mut connection = Connection::new(endpoint);
        let status = connection
            .post_response("id-1", b"{}", Then::Next)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        assert!(
            !connection.next_sent,
            "the closing server never read the poll"
        );
        let invocation = connection.next(&mut Vec::new()).await.unwrap();
        assert_eq!(invocation.request_id, "id-2");
        let received = server.await.unwrap();
        assert_eq!(received.len(), 2, "{received:?}");
        assert!(received[0].starts_with(b"POST /2018-06-01/runtime/invocation/id-1/response "));
        assert!(received[1].starts_with(b"GET /2018-06-01/runtime/invocation/next "));
    }

    #[tokio::test]
    async fn no_result_is_posted_while_a_poll_is_unanswered() {
        let (endpoint, _server) = scripted(vec![answer(&[OK])]).await;
        let mut connection = Connection::new(endpoint);
        connection
            .post_response("id-1", b"{}", Then::Next)
            .await
            .unwrap();
        let err = connection
            .post_response("id-1", b"{}", Then::Nothing)
            .await
            .unwrap_err()
            .0;
        assert!(err.contains("a GET next is still unanswered"), "{err}");
    }
}
