//! The function's stdout and stderr, kept as a bounded tail of lines (Lambda's `LogType=Tail`
//! returns the last 4 KB; we keep more so a crash report has context).

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Lines kept per process.
pub const TAIL_LINES: usize = 400;
/// A line longer than this is cut (a runtime writing megabytes without a newline must not
/// exhaust memory).
pub const MAX_LINE_BYTES: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One captured line; `seq` increases across both streams so callers can ask for the lines
/// written since a point (e.g. during one invocation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub seq: u64,
    pub stream: Stream,
    pub text: String,
}

#[derive(Default)]
pub(crate) struct LogBuffer {
    inner: Mutex<Inner>,
    echo: bool,
}

#[derive(Default)]
struct Inner {
    next_seq: u64,
    lines: VecDeque<LogLine>,
}

impl LogBuffer {
    pub fn new(echo: bool) -> LogBuffer {
        LogBuffer {
            inner: Mutex::default(),
            echo,
        }
    }

    fn push(&self, stream: Stream, bytes: &[u8]) {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        if text.ends_with('\r') {
            text.pop();
        }
        if self.echo {
            eprintln!("  | {text}");
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let seq = inner.next_seq;
        inner.next_seq += 1;
        if inner.lines.len() == TAIL_LINES {
            inner.lines.pop_front();
        }
        inner.lines.push_back(LogLine { seq, stream, text });
    }

    /// The sequence number the next line will get.
    pub fn mark(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .next_seq
    }

    /// Kept lines with `seq >= from`.
    pub fn since(&self, from: u64) -> Vec<LogLine> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .lines
            .iter()
            .filter(|l| l.seq >= from)
            .cloned()
            .collect()
    }

    /// Reads `reader` to its end, splitting lines; returns when the process closes the stream.
    pub async fn pump(&self, stream: Stream, mut reader: impl AsyncRead + Unpin) {
        let mut chunk = vec![0u8; 8192];
        let mut line = Vec::new();
        let mut cut = false;
        loop {
            let n = match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for &byte in &chunk[..n] {
                if byte == b'\n' {
                    if !cut {
                        self.push(stream, &line);
                    }
                    line.clear();
                    cut = false;
                } else if line.len() < MAX_LINE_BYTES {
                    line.push(byte);
                } else if !cut {
                    line.extend_from_slice(" …[line truncated]".as_bytes());
                    self.push(stream, &line);
                    cut = true;
                }
            }
        }
        if !line.is_empty() && !cut {
            self.push(stream, &line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn splits_lines_and_bounds_them() {
        let buffer = LogBuffer::new(false);
        let mut input = b"first\r\nsecond\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES * 3));
        input.extend(b"\nlast without newline");
        buffer.pump(Stream::Stderr, &input[..]).await;
        let lines = buffer.since(0);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].text, "first");
        assert_eq!(lines[1].text, "second");
        assert!(lines[2].text.ends_with("[line truncated]"));
        assert!(lines[2].text.len() < MAX_LINE_BYTES + 32);
        assert_eq!(lines[3].text, "last without newline");
        assert_eq!(buffer.since(3).len(), 1);
        assert_eq!(buffer.mark(), 4);
    }

    #[tokio::test]
    async fn keeps_only_the_tail() {
        let buffer = LogBuffer::new(false);
        let input: String = (0..TAIL_LINES + 10)
            .map(|i| format!("line {i}\n"))
            .collect();
        buffer.pump(Stream::Stdout, input.as_bytes()).await;
        let lines = buffer.since(0);
        assert_eq!(lines.len(), TAIL_LINES);
        assert_eq!(lines[0].text, "line 10");
    }
}
