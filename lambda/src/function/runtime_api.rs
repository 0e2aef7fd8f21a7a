//! The Lambda Runtime API (2018-06-01) over one keep-alive HTTP/1.1 connection of its own, on
//! hyper's connection-level client (`hyper::client::conn::http1`).
//!
//! Each worker owns one [`Connection`]: with one invocation in flight per worker there is never
//! a second request to share it with, so a pool has nothing to do. Measured on the arm64 build,
//! the pooled client (`lambda_runtime_api_client::Client`, hyper-util's legacy `Client`) spent
//! ~90 % of a small event's instructions on checkout, SipHash of the pool key and re-parsing the
//! base URI of every request (docs/design.md, "Runtime API client").

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::function::processor::MAX_EVENT_BYTES;

const NEXT: &str = "/2018-06-01/runtime/invocation/next";
const INVOCATION: &str = "/2018-06-01/runtime/invocation/";
const USER_AGENT_VALUE: &str = concat!("transactions-lambda/", env!("CARGO_PKG_VERSION"));
/// The largest read buffer hyper may grow to: a 6 MB event arrives in 1 MiB reads, as the
/// official client configures it.
const MAX_READ_BUFFER: usize = 1024 * 1024;

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
    host: HeaderValue,
    /// A path every request is prefixed with (`cargo lambda watch` serves under one).
    base_path: String,
    next: Uri,
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
        let host = HeaderValue::from_str(authority.as_str())
            .map_err(|e| fail("the Runtime API host as a header", e))?;
        let base_path = uri.path().trim_end_matches('/').to_owned();
        let next = format!("{base_path}{NEXT}")
            .parse::<Uri>()
            .map_err(|e| fail("the next URI", e))?;
        Ok(Endpoint {
            addrs,
            host,
            base_path,
            next,
        })
    }

    /// The `host:port` requests are addressed to (their `Host` header).
    pub fn host(&self) -> &str {
        self.host.to_str().unwrap_or_default()
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

/// A worker's own connection to the Runtime API.
pub struct Connection {
    endpoint: Endpoint,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// The result URI's text, rebuilt per invocation in place.
    path: String,
}

impl Connection {
    /// Connects lazily: the first request opens the socket.
    pub fn new(endpoint: Endpoint) -> Connection {
        Connection {
            endpoint,
            sender: None,
            path: String::new(),
        }
    }

    /// `GET next`: waits for an invocation and reads its event into `event` (cleared first).
    /// Past [`MAX_EVENT_BYTES`] the body is drained, not kept: one byte over the limit is
    /// enough for the processor to report the event as too large.
    pub async fn next(&mut self, event: &mut Vec<u8>) -> Result<Invocation, RuntimeError> {
        let uri = self.endpoint.next.clone();
        let response = self
            .send("GET next", Method::GET, uri, None, Bytes::new())
            .await?;
        if !response.status().is_success() {
            return Err(RuntimeError(format!(
                "GET next answered {}",
                response.status()
            )));
        }
        let headers = response.headers();
        let request_id = headers
            .get("lambda-runtime-aws-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| RuntimeError("next event without Lambda-Runtime-Aws-Request-Id".into()))?
            .to_owned();
        let deadline = headers
            .get("lambda-runtime-deadline-ms")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .and_then(deadline_from_epoch_ms);
        // `Lambda-Runtime-Trace-Id` is deliberately not copied to `_X_AMZN_TRACE_ID`: nothing
        // here makes traced downstream calls, Managed Instances do not set it (several
        // invocations share the process), and glibc's setenv keeps every distinct value it was
        // ever given (a unique trace id per event leaked ~130 bytes per invocation: +13 MB
        // over 100,000, found by lambda/tests/soak.rs).
        event.clear();
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| fail("reading the event body", e))?;
            if let Some(data) = frame.data_ref() {
                let room = (MAX_EVENT_BYTES + 1).saturating_sub(event.len());
                event.extend_from_slice(&data[..data.len().min(room)]);
            }
        }
        Ok(Invocation {
            request_id,
            deadline,
        })
    }

    /// `POST /invocation/{id}/response`; the status the Runtime API answered.
    pub async fn post_response(
        &mut self,
        id: &str,
        body: Bytes,
    ) -> Result<StatusCode, RuntimeError> {
        let uri = self.result_uri(id, "response")?;
        let response = self
            .send("POST response", Method::POST, uri, None, body)
            .await?;
        Ok(drain(response).await)
    }

    /// `POST /invocation/{id}/error` with `Lambda-Runtime-Function-Error-Type`.
    pub async fn post_error(
        &mut self,
        id: &str,
        error_type: &str,
        document: Bytes,
    ) -> Result<StatusCode, RuntimeError> {
        let uri = self.result_uri(id, "error")?;
        let error_type =
            HeaderValue::from_str(error_type).map_err(|e| fail("the error type as a header", e))?;
        let response = self
            .send("POST error", Method::POST, uri, Some(error_type), document)
            .await?;
        Ok(drain(response).await)
    }

    fn result_uri(&mut self, id: &str, what: &str) -> Result<Uri, RuntimeError> {
        self.path.clear();
        self.path.push_str(&self.endpoint.base_path);
        self.path.push_str(INVOCATION);
        self.path.push_str(id);
        self.path.push('/');
        self.path.push_str(what);
        // A request id with characters a URI cannot hold is the Runtime API's fault, not ours.
        self.path
            .parse::<Uri>()
            .map_err(|e| fail("the request id does not fit a URI", e))
    }

    /// Sends one request; every failure is named after `what` (`GET next`, ...).
    async fn send(
        &mut self,
        what: &str,
        method: Method,
        uri: Uri,
        error_type: Option<HeaderValue>,
        body: Bytes,
    ) -> Result<Response<Incoming>, RuntimeError> {
        let host = self.endpoint.host.clone();
        let sender = self.ready_sender().await.map_err(|e| fail(what, e))?;
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(HOST, host);
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if let Some(error_type) = error_type {
            headers.insert("lambda-runtime-function-error-type", error_type);
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        sender
            .send_request(request)
            .await
            .map_err(|e| fail(what, e))
    }

    /// The connection, ready for a request: opened on first use, and opened again if the
    /// Runtime API closed it between requests (a request that fails *on* the connection is not
    /// retried: its invocation's state is unknown, so the process exits instead).
    async fn ready_sender(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, RuntimeError> {
        let open = match &mut self.sender {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        if !open {
            let mut sender = connect(&self.endpoint).await?;
            sender
                .ready()
                .await
                .map_err(|e| fail("the new Runtime API connection", e))?;
            self.sender = Some(sender);
        }
        self.sender
            .as_mut()
            .ok_or_else(|| RuntimeError("no Runtime API connection".into()))
    }
}

async fn connect(endpoint: &Endpoint) -> Result<SendRequest<Full<Bytes>>, RuntimeError> {
    let mut last_error = None;
    for addr in &endpoint.addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // Requests are small and answered before the next is sent: never wait for
                // Nagle's algorithm.
                let _ = stream.set_nodelay(true);
                let (sender, connection) = http1::Builder::new()
                    .max_buf_size(MAX_READ_BUFFER)
                    .handshake(TokioIo::new(stream))
                    .await
                    .map_err(|e| fail("the Runtime API handshake", e))?;
                // The connection's I/O runs as its own task on this thread's runtime; it ends
                // when the sender is dropped or the peer closes.
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                return Ok(sender);
            }
            Err(err) => last_error = Some(err),
        }
    }
    Err(fail(
        &format!("connecting to the Runtime API at {}", endpoint.host()),
        last_error.map_or_else(|| "no address".to_owned(), |e| e.to_string()),
    ))
}

/// Lambda sends the deadline in milliseconds since the epoch; `cargo lambda watch` sends a
/// duration (`600000`). A value before September 2001 cannot be an epoch deadline of a
/// running invocation, so it is treated as no deadline rather than as one long past.
fn deadline_from_epoch_ms(ms: u64) -> Option<SystemTime> {
    const EARLIEST_EPOCH_MS: u64 = 1_000_000_000_000;
    (ms >= EARLIEST_EPOCH_MS).then(|| UNIX_EPOCH + Duration::from_millis(ms))
}

/// Reads a response to its end so the keep-alive connection can take the next request.
async fn drain(response: Response<Incoming>) -> StatusCode {
    let status = response.status();
    let _ = response.into_body().collect().await;
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_api_as_lambda_or_cargo_lambda_sets_it() {
        let lambda = Endpoint::parse("127.0.0.1:9001").unwrap();
        assert_eq!(lambda.host(), "127.0.0.1:9001");
        assert_eq!(lambda.base_path(), "");
        assert_eq!(lambda.next.path(), NEXT);
        assert_eq!(lambda.addrs, ["127.0.0.1:9001".parse().unwrap()]);
        let watch = Endpoint::parse("http://127.0.0.1:9000/.rt/bootstrap").unwrap();
        assert_eq!(watch.host(), "127.0.0.1:9000");
        assert_eq!(watch.base_path(), "/.rt/bootstrap");
        assert_eq!(
            watch.next.path(),
            "/.rt/bootstrap/2018-06-01/runtime/invocation/next"
        );
        let v6 = Endpoint::parse("[::1]:9001").unwrap();
        assert_eq!(v6.addrs, ["[::1]:9001".parse().unwrap()]);
        assert!(Endpoint::parse("not a host").is_err());
        assert!(Endpoint::parse("http:///path").is_err());
        // A URL that parses but has no host (a path, with "://" only in its query).
        let err = Endpoint::parse("/next?from=http://x").unwrap_err();
        assert!(err.0.contains("names no host"), "{}", err.0);
    }

    #[test]
    fn result_uris_carry_the_request_id_and_the_base_path() {
        let mut connection =
            Connection::new(Endpoint::parse("http://127.0.0.1:9000/.rt/bootstrap").unwrap());
        let uri = connection.result_uri("8f5c-1", "response").unwrap();
        assert_eq!(
            uri.path(),
            "/.rt/bootstrap/2018-06-01/runtime/invocation/8f5c-1/response"
        );
        let uri = connection.result_uri("id-2", "error").unwrap();
        assert_eq!(
            uri.path(),
            "/.rt/bootstrap/2018-06-01/runtime/invocation/id-2/error"
        );
        assert!(connection.result_uri("a b", "response").is_err());
    }

    #[test]
    fn deadlines_are_epoch_milliseconds_or_ignored() {
        assert_eq!(deadline_from_epoch_ms(600_000), None);
        assert_eq!(
            deadline_from_epoch_ms(1_767_225_600_000),
            Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
        );
    }
}
