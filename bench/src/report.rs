//! Lambda's REPORT line: formatted from local measurements, parsed from CloudWatch logs.
//!
//! ```text
//! REPORT RequestId: 8f5…  Duration: 0.12 ms  Billed Duration: 2 ms  Memory Size: 256 MB  Max Memory Used: 3 MB  Init Duration: 1.02 ms
//! ```
//! Lambda separates the fields with tabs; both tabs and spaces are accepted when parsing.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The figures of one REPORT line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_duration_ms: u64,
    pub memory_size_mb: u64,
    pub max_memory_used_mb: u64,
    /// Only on the first invocation of an execution environment (a cold start).
    pub init_duration_ms: Option<f64>,
    /// `Status: timeout` / `Status: error` when Lambda adds one.
    pub status: Option<String>,
}

impl ReportLine {
    /// Builds the line Lambda would print for a local measurement. Billed Duration is the
    /// duration rounded up to the next millisecond and, as Lambda has billed the init phase of
    /// on-demand functions since August 2025 (and always for custom runtimes), includes Init
    /// Duration on a cold start.
    pub fn local(
        request_id: &str,
        duration_ms: f64,
        init_duration_ms: Option<f64>,
        memory_size_mb: u64,
        peak_rss_bytes: Option<u64>,
    ) -> ReportLine {
        let billed = (duration_ms + init_duration_ms.unwrap_or(0.0))
            .ceil()
            .max(1.0) as u64;
        ReportLine {
            request_id: request_id.to_owned(),
            duration_ms,
            billed_duration_ms: billed,
            memory_size_mb,
            max_memory_used_mb: peak_rss_bytes.map(bytes_to_mb).unwrap_or(0),
            init_duration_ms,
            status: None,
        }
    }

    /// Parses a REPORT line; the error names what is missing or unreadable.
    pub fn parse(line: &str) -> Result<ReportLine, ParseError> {
        let line = line.trim();
        let rest = line.strip_prefix("REPORT").ok_or(ParseError::NotAReport)?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut label: Vec<&str> = Vec::new();
        let mut tokens = rest.split_whitespace().peekable();
        while let Some(token) = tokens.next() {
            match token.strip_suffix(':') {
                Some(last) => {
                    label.push(last);
                    let value = tokens.next().unwrap_or_default();
                    // Units follow numbers; skip them so they do not start the next label.
                    if matches!(tokens.peek(), Some(&"ms") | Some(&"MB")) {
                        tokens.next();
                    }
                    fields.push((label.join(" "), value.to_owned()));
                    label.clear();
                }
                None => label.push(token),
            }
        }
        let get = |name: &'static str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let number = |name: &'static str| -> Result<f64, ParseError> {
            let raw = get(name).ok_or(ParseError::Missing(name))?;
            raw.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| ParseError::BadNumber(name, raw.to_owned()))
        };
        let request_id = get("RequestId")
            .filter(|v| !v.is_empty())
            .ok_or(ParseError::Missing("RequestId"))?;
        Ok(ReportLine {
            request_id: request_id.to_owned(),
            duration_ms: number("Duration")?,
            billed_duration_ms: number("Billed Duration")? as u64,
            memory_size_mb: number("Memory Size")? as u64,
            max_memory_used_mb: number("Max Memory Used")? as u64,
            init_duration_ms: match get("Init Duration") {
                Some(_) => Some(number("Init Duration")?),
                None => None,
            },
            status: get("Status").map(str::to_owned),
        })
    }

    /// Finds and parses the REPORT line in a log excerpt (e.g. the decoded `LogResult`).
    pub fn find_in(log: &str) -> Option<Result<ReportLine, ParseError>> {
        log.lines()
            .rev()
            .find(|l| l.trim_start().starts_with("REPORT "))
            .map(ReportLine::parse)
    }
}

impl fmt::Display for ReportLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB",
            self.request_id, self.duration_ms, self.billed_duration_ms, self.memory_size_mb, self.max_memory_used_mb
        )?;
        if let Some(init) = self.init_duration_ms {
            write!(f, "\tInit Duration: {init:.2} ms")?;
        }
        if let Some(status) = &self.status {
            write!(f, "\tStatus: {status}")?;
        }
        Ok(())
    }
}

/// Bytes to Lambda's "MB" (MiB), rounded up as Lambda does.
pub fn bytes_to_mb(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a REPORT line")]
    NotAReport,
    #[error("REPORT line has no {0}")]
    Missing(&'static str),
    #[error("REPORT line has an unreadable {0}: {1:?}")]
    BadNumber(&'static str, String),
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\tInit Duration: 25.43 ms\t";

    #[test]
    fn parses_lambda_format() {
        let r = ReportLine::parse(REAL).unwrap();
        assert_eq!(r.request_id, "3604209a-e9a3-11e6-939a-754dd98c7be3");
        assert_eq!(r.duration_ms, 12.34);
        assert_eq!(r.billed_duration_ms, 13);
        assert_eq!(r.memory_size_mb, 128);
        assert_eq!(r.max_memory_used_mb, 18);
        assert_eq!(r.init_duration_ms, Some(25.43));
    }

    #[test]
    fn parses_spaces_and_status_and_warm_lines() {
        let r = ReportLine::parse("REPORT RequestId: abc Duration: 3000.00 ms Billed Duration: 3000 ms Memory Size: 256 MB Max Memory Used: 30 MB Status: timeout").unwrap();
        assert_eq!(r.init_duration_ms, None);
        assert_eq!(r.status.as_deref(), Some("timeout"));
        assert_eq!(r.duration_ms, 3000.0);
    }

    #[test]
    fn round_trips_own_format() {
        let r = ReportLine::local("id-1", 0.123, Some(1.02), 256, Some(3 * 1024 * 1024 + 1));
        assert_eq!(r.billed_duration_ms, 2);
        assert_eq!(r.max_memory_used_mb, 4);
        let text = r.to_string();
        assert!(
            text.starts_with("REPORT RequestId: id-1\tDuration: 0.12 ms\tBilled Duration: 2 ms"),
            "{text}"
        );
        let back = ReportLine::parse(&text).unwrap();
        assert_eq!(back.init_duration_ms, Some(1.02));
        assert_eq!(back.billed_duration_ms, 2);
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        assert_eq!(
            ReportLine::parse("START RequestId: x"),
            Err(ParseError::NotAReport)
        );
        assert_eq!(
            ReportLine::parse("REPORT RequestId: x Duration: 1 ms"),
            Err(ParseError::Missing("Billed Duration"))
        );
        assert_eq!(
            ReportLine::parse("REPORT RequestId: x Duration: fast ms Billed Duration: 1 ms Memory Size: 1 MB Max Memory Used: 1 MB"),
            Err(ParseError::BadNumber("Duration", "fast".into()))
        );
        assert_eq!(
            ReportLine::parse("REPORT Duration: 1 ms"),
            Err(ParseError::Missing("RequestId"))
        );
    }

    #[test]
    fn finds_report_in_a_tail() {
        let log = format!("START RequestId: a Version: $LATEST\nhello\nEND RequestId: a\n{REAL}\n");
        assert_eq!(
            ReportLine::find_in(&log)
                .unwrap()
                .unwrap()
                .max_memory_used_mb,
            18
        );
        assert!(ReportLine::find_in("no report here").is_none());
    }
}
