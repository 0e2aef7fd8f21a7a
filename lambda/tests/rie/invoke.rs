//! Invokes through RIE: `POST /2015-03-31/functions/function/invocations`, the event as the body,
//! one connection per invoke (hyper's HTTP/1 client connection), so that concurrent invokes are
//! concurrent on the wire. A connection is opened first and the request sent later, so a batch of
//! invokes can be released together.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What RIE answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        let shown = &self.body[..self.body.len().min(400)];
        format!("HTTP {} {}", self.status, String::from_utf8_lossy(shown))
    }
}

/// An open connection to RIE's invoke endpoint, ready to send one invoke.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Result<Self, String> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {addr}: {e}"))?;
        tokio::spawn(conn);
        Ok(Connection {
            sender,
            host: addr.to_string(),
        })
    }

    /// Sends `event` and reads the whole answer; an error says what failed (RIE gone, timeout).
    pub async fn invoke(mut self, event: Bytes, timeout: Duration) -> Result<Answer, String> {
        let request = hyper::Request::post("/2015-03-31/functions/function/invocations")
            .header(hyper::header::HOST, &self.host)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(event))
            .map_err(|e| e.to_string())?;
        let exchange = async {
            let response = self
                .sender
                .send_request(request)
                .await
                .map_err(|e| format!("no HTTP answer: {e}"))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("answer cut short: {e}"))?
                .to_bytes()
                .to_vec();
            Ok(Answer { status, body })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {timeout:?}"))?
    }
}

/// One invoke on a new connection.
pub async fn invoke(addr: SocketAddr, event: Bytes, timeout: Duration) -> Result<Answer, String> {
    Connection::open(addr).await?.invoke(event, timeout).await
}

/// Opens one connection per event, then sends every invoke at the same moment and returns the
/// answers in the events' order.
pub async fn invoke_together(
    addr: SocketAddr,
    events: &[Bytes],
    timeout: Duration,
) -> Vec<Result<Answer, String>> {
    let mut connections = Vec::with_capacity(events.len());
    for _ in events {
        connections.push(Connection::open(addr).await);
    }
    let release = std::sync::Arc::new(tokio::sync::Barrier::new(events.len()));
    let tasks: Vec<_> = connections
        .into_iter()
        .zip(events.iter().cloned())
        .map(|(connection, event)| {
            let release = std::sync::Arc::clone(&release);
            tokio::spawn(async move {
                release.wait().await;
                connection?.invoke(event, timeout).await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(
            task.await
                .unwrap_or_else(|e| Err(format!("invoke task: {e}"))),
        );
    }
    answers
}
