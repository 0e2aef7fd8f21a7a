//! Lambda's per-invocation report, in both forms Lambda writes it:
//!
//! - text (`LoggingConfig.LogFormat` `Text`, and the local emulators):
//!   ```text
//!   REPORT RequestId: 8f5…  Duration: 0.12 ms  Billed Duration: 2 ms  Memory Size: 256 MB  Max Memory Used: 3 MB  Init Duration: 1.02 ms
//!   ```
//!   Lambda separates the fields with tabs; both tabs and spaces are accepted when parsing.
//! - JSON (`LogFormat` `JSON`, what every CDK stage of this project deploys): a
//!   `platform.report` record, and on cold starts possibly a `platform.initReport` record:
//!   ```text
//!   {"time":"…","type":"platform.report","record":{"requestId":"8f5…","metrics":{"durationMs":0.12,"billedDurationMs":2,"memorySizeMB":256,"maxMemoryUsedMB":3,"initDurationMs":1.02},"status":"success"}}
//!   ```
//!
//! [`ReportLine::parse`] and [`ReportLine::find_in`] pick the form by content. Local
//! measurements are formatted as text lines ([`ReportLine::local`], [`ReportLine::of_sample`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::benchmark::{bytes_to_mb, Sample, Status};

/// The figures of one report (text REPORT line or JSON `platform.report` record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_duration_ms: u64,
    pub memory_size_mb: u64,
    pub max_memory_used_mb: u64,
    /// Only on the first invocation of an execution environment (a cold start).
    pub init_duration_ms: Option<f64>,
    /// `Status: timeout` / `Status: error` when Lambda adds one (text), or the record's
    /// `status` unless it is `success` (JSON).
    pub status: Option<String>,
    /// `Error Type: Runtime.ExitError` (text) or the record's `errorType` (JSON), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
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
            error_type: None,
        }
    }

    /// The REPORT line Lambda would print for a local sample (none for a failed init).
    pub fn of_sample(sample: &Sample, memory_size_mb: u64) -> Option<ReportLine> {
        let duration = sample.duration_ms?;
        let mut line = ReportLine::local(
            &sample.request_id,
            duration,
            sample.init_ms,
            memory_size_mb,
            sample.max_memory_bytes,
        );
        if let Some(billed) = sample.billed_ms {
            line.billed_duration_ms = billed;
        }
        line.status = match sample.status {
            Status::Timeout => Some("timeout".into()),
            Status::Crash => Some("error".into()),
            _ => None,
        };
        Some(line)
    }

    /// Parses a report in either form, picked by content: a JSON object is read as a
    /// `platform.report` record, anything else as a text REPORT line.
    pub fn parse(line: &str) -> Result<ReportLine, ParseError> {
        let line = line.trim();
        if line.starts_with('{') {
            ReportLine::parse_json(line)
        } else {
            ReportLine::parse_text(line)
        }
    }

    /// Parses a text REPORT line; the error names what is missing or unreadable.
    pub fn parse_text(line: &str) -> Result<ReportLine, ParseError> {
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
            error_type: get("Error Type").map(str::to_owned),
        })
    }

    /// Parses a JSON `platform.report` record; the error names the field that is missing or
    /// unreadable.
    pub fn parse_json(line: &str) -> Result<ReportLine, ParseError> {
        let doc: Value =
            serde_json::from_str(line.trim()).map_err(|e| ParseError::BadJson(e.to_string()))?;
        if doc.get("type").and_then(Value::as_str) != Some(PLATFORM_REPORT) {
            return Err(ParseError::NotAReport);
        }
        let record = &doc["record"];
        let request_id = record
            .get("requestId")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .ok_or(ParseError::MissingField("record.requestId"))?;
        let metrics = &record["metrics"];
        let number = |name: &'static str| -> Result<Option<f64>, ParseError> {
            match metrics.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_f64()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .map(Some)
                    .ok_or_else(|| ParseError::BadField(name, v.to_string())),
            }
        };
        let required = |name: &'static str| -> Result<f64, ParseError> {
            number(name)?.ok_or(ParseError::MissingField(name))
        };
        let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_owned);
        Ok(ReportLine {
            request_id: request_id.to_owned(),
            duration_ms: required("durationMs")?,
            billed_duration_ms: required("billedDurationMs")? as u64,
            memory_size_mb: required("memorySizeMB")? as u64,
            max_memory_used_mb: required("maxMemoryUsedMB")? as u64,
            init_duration_ms: number("initDurationMs")?,
            status: text(record, "status").filter(|s| s != "success"),
            error_type: text(record, "errorType"),
        })
    }

    /// Finds and parses the last report in a log excerpt (the decoded `LogResult`, or
    /// CloudWatch Logs messages), text or JSON. A JSON report without `initDurationMs` takes
    /// the Init Duration of a `platform.initReport` (phase `init`) that precedes it.
    pub fn find_in(log: &str) -> Option<Result<ReportLine, ParseError>> {
        let lines: Vec<&str> = log.lines().collect();
        let at = lines
            .iter()
            .rposition(|l| record_kind(l) == RecordKind::Report)?;
        let mut report = ReportLine::parse(lines[at]);
        if let Ok(r) = &mut report {
            if r.init_duration_ms.is_none() && lines[at].trim_start().starts_with('{') {
                r.init_duration_ms = lines[..at]
                    .iter()
                    .rev()
                    .filter(|l| record_kind(l) == RecordKind::InitReport)
                    .find_map(|l| InitRecord::parse(l))
                    .filter(|i| i.phase == "init")
                    .map(|i| i.duration_ms);
            }
        }
        Some(report)
    }
}

/// `type` of a JSON report record.
const PLATFORM_REPORT: &str = "platform.report";
/// `type` of a JSON init report record.
const PLATFORM_INIT_REPORT: &str = "platform.initReport";

/// What a log line is, as far as reports go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A text REPORT line or a JSON `platform.report` record (possibly malformed).
    Report,
    /// A JSON `platform.initReport` record.
    InitReport,
    Other,
}

/// Classifies one log line by content. A line that looks like a JSON report but does not
/// parse counts as a report, so that it is flagged as malformed rather than missed.
pub fn record_kind(line: &str) -> RecordKind {
    let line = line.trim();
    if line.starts_with("REPORT ") {
        return RecordKind::Report;
    }
    if !line.starts_with('{') {
        return RecordKind::Other;
    }
    match serde_json::from_str::<Value>(line) {
        Ok(doc) => match doc.get("type").and_then(Value::as_str) {
            Some(PLATFORM_REPORT) => RecordKind::Report,
            Some(PLATFORM_INIT_REPORT) => RecordKind::InitReport,
            _ => RecordKind::Other,
        },
        Err(_) if line.contains("\"platform.report\"") => RecordKind::Report,
        Err(_) => RecordKind::Other,
    }
}

/// The request id a report names, text or JSON, without parsing the figures.
pub fn request_id_of(line: &str) -> Option<String> {
    let line = line.trim();
    if line.starts_with('{') {
        let doc: Value = serde_json::from_str(line).ok()?;
        return doc["record"]["requestId"].as_str().map(str::to_owned);
    }
    line.split_whitespace()
        .skip_while(|t| *t != "RequestId:")
        .nth(1)
        .map(str::to_owned)
}

/// A JSON `platform.initReport` record: how the init phase went and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct InitRecord {
    /// `on-demand`, `provisioned-concurrency`, `snap-start`.
    pub initialization_type: String,
    /// `init`, or `invoke` for an init re-run after a failed one.
    pub phase: String,
    /// `success`, `error`, `timeout`.
    pub status: String,
    pub duration_ms: f64,
}

impl InitRecord {
    /// `None` when the line is not a readable `platform.initReport` record.
    pub fn parse(line: &str) -> Option<InitRecord> {
        let doc: Value = serde_json::from_str(line.trim()).ok()?;
        if doc.get("type").and_then(Value::as_str) != Some(PLATFORM_INIT_REPORT) {
            return None;
        }
        let record = &doc["record"];
        let text = |name: &str| record[name].as_str().unwrap_or_default().to_owned();
        Some(InitRecord {
            initialization_type: text("initializationType"),
            phase: text("phase"),
            status: text("status"),
            duration_ms: record["metrics"]["durationMs"]
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0)?,
        })
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
        if let Some(error_type) = &self.error_type {
            write!(f, "\tError Type: {error_type}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a REPORT line")]
    NotAReport,
    #[error("REPORT line has no {0}")]
    Missing(&'static str),
    #[error("REPORT line has an unreadable {0}: {1:?}")]
    BadNumber(&'static str, String),
    #[error("platform.report record is not valid JSON: {0}")]
    BadJson(String),
    #[error("platform.report record has no {0}")]
    MissingField(&'static str),
    #[error("platform.report record has an unreadable {0}: {1}")]
    BadField(&'static str, String),
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

    // JSON records as Lambda writes them with `LoggingConfig.LogFormat: JSON`.
    const JSON_COLD: &str = r#"{"time":"2026-11-30T10:00:00.120Z","type":"platform.report","record":{"requestId":"6d7a1c4e-0b2f-4c1e-9a51-3b0c5f1e2d11","metrics":{"durationMs":3.25,"billedDurationMs":15,"memorySizeMB":256,"maxMemoryUsedMB":18,"initDurationMs":11.4},"status":"success"}}"#;
    const JSON_WARM: &str = r#"{"time":"2026-11-30T10:00:01.000Z","type":"platform.report","record":{"requestId":"r-warm","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":256,"maxMemoryUsedMB":20},"status":"success"}}"#;
    const JSON_ERROR: &str = r#"{"time":"2026-11-30T10:00:02.000Z","type":"platform.report","record":{"requestId":"r-err","metrics":{"durationMs":4.02,"billedDurationMs":5,"memorySizeMB":256,"maxMemoryUsedMB":21},"status":"error","errorType":"Runtime.ExitError"}}"#;
    const JSON_TIMEOUT: &str = r#"{"time":"2026-11-30T10:00:05.000Z","type":"platform.report","record":{"requestId":"r-to","metrics":{"durationMs":3000.0,"billedDurationMs":3000,"memorySizeMB":256,"maxMemoryUsedMB":22},"status":"timeout"}}"#;
    const JSON_INIT: &str = r#"{"time":"2026-11-30T10:00:00.100Z","type":"platform.initReport","record":{"initializationType":"on-demand","phase":"init","status":"success","metrics":{"durationMs":12.5}}}"#;

    #[test]
    fn parses_json_platform_reports() {
        let cold = ReportLine::parse(JSON_COLD).unwrap();
        assert_eq!(cold.request_id, "6d7a1c4e-0b2f-4c1e-9a51-3b0c5f1e2d11");
        assert_eq!(
            (
                cold.duration_ms,
                cold.billed_duration_ms,
                cold.memory_size_mb
            ),
            (3.25, 15, 256)
        );
        assert_eq!(
            (cold.max_memory_used_mb, cold.init_duration_ms),
            (18, Some(11.4))
        );
        assert_eq!(
            (cold.status, cold.error_type),
            (None, None),
            "success is no status"
        );
        let warm = ReportLine::parse(JSON_WARM).unwrap();
        assert_eq!((warm.duration_ms, warm.init_duration_ms), (1.5, None));
        let error = ReportLine::parse(JSON_ERROR).unwrap();
        assert_eq!(error.status.as_deref(), Some("error"));
        assert_eq!(error.error_type.as_deref(), Some("Runtime.ExitError"));
        let timeout = ReportLine::parse(JSON_TIMEOUT).unwrap();
        assert_eq!(timeout.status.as_deref(), Some("timeout"));
        assert_eq!(timeout.duration_ms, 3000.0);
    }

    #[test]
    fn malformed_json_records_say_what_is_wrong() {
        assert_eq!(
            ReportLine::parse(JSON_INIT),
            Err(ParseError::NotAReport),
            "an initReport is not a report"
        );
        let no_billed = JSON_WARM.replace(r#""billedDurationMs":2,"#, "");
        assert_eq!(
            ReportLine::parse(&no_billed),
            Err(ParseError::MissingField("billedDurationMs"))
        );
        let bad = JSON_WARM.replace("1.5", r#""fast""#);
        assert_eq!(
            ReportLine::parse(&bad),
            Err(ParseError::BadField("durationMs", r#""fast""#.into()))
        );
        let no_id = JSON_WARM.replace(r#""requestId":"r-warm","#, "");
        assert_eq!(
            ReportLine::parse(&no_id),
            Err(ParseError::MissingField("record.requestId"))
        );
        let cut = &JSON_WARM[..60];
        assert_eq!(record_kind(cut), RecordKind::Report);
        assert!(matches!(
            ReportLine::parse(cut),
            Err(ParseError::BadJson(_))
        ));
        assert!(ReportLine::parse(cut)
            .unwrap_err()
            .to_string()
            .starts_with("platform.report record is not valid JSON"));
    }

    #[test]
    fn finds_json_reports_in_a_tail_and_takes_init_from_an_init_report() {
        let start = r#"{"time":"2026-11-30T10:00:00.101Z","type":"platform.start","record":{"requestId":"r-warm","version":"$LATEST"}}"#;
        let app = r#"{"timestamp":"2026-11-30T10:00:00.102Z","level":"INFO","message":"credits counted","requestId":"r-warm"}"#;
        let tail = format!("{JSON_INIT}\n{start}\n{app}\n{JSON_WARM}\n");
        let found = ReportLine::find_in(&tail).unwrap().unwrap();
        assert_eq!(found.request_id, "r-warm");
        assert_eq!(
            found.init_duration_ms,
            Some(12.5),
            "from platform.initReport"
        );
        // initDurationMs in the report wins; a tail without initReport stays warm.
        let tail = format!("{JSON_INIT}\n{JSON_COLD}\n");
        assert_eq!(
            ReportLine::find_in(&tail)
                .unwrap()
                .unwrap()
                .init_duration_ms,
            Some(11.4)
        );
        let tail = format!("{start}\n{app}\n{JSON_WARM}\n");
        assert_eq!(
            ReportLine::find_in(&tail)
                .unwrap()
                .unwrap()
                .init_duration_ms,
            None
        );
        assert!(ReportLine::find_in(&format!("{start}\n{app}\n{JSON_INIT}\n")).is_none());
        let record = InitRecord::parse(JSON_INIT).unwrap();
        assert_eq!(
            (record.initialization_type.as_str(), record.phase.as_str()),
            ("on-demand", "init")
        );
        assert_eq!(
            (record.status.as_str(), record.duration_ms),
            ("success", 12.5)
        );
    }

    #[test]
    fn kinds_and_request_ids_by_content() {
        assert_eq!(record_kind(REAL), RecordKind::Report);
        assert_eq!(record_kind(JSON_TIMEOUT), RecordKind::Report);
        assert_eq!(record_kind(JSON_INIT), RecordKind::InitReport);
        assert_eq!(record_kind("START RequestId: a"), RecordKind::Other);
        assert_eq!(
            record_kind(r#"{"message":"platform.report is a word here"}"#),
            RecordKind::Other
        );
        assert_eq!(request_id_of(JSON_ERROR).as_deref(), Some("r-err"));
        assert_eq!(
            request_id_of(REAL).as_deref(),
            Some("3604209a-e9a3-11e6-939a-754dd98c7be3")
        );
        assert_eq!(request_id_of("REPORT Duration: 1 ms"), None);
    }

    #[test]
    fn text_error_type_round_trips() {
        let r = ReportLine::parse("REPORT RequestId: x\tDuration: 2.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tStatus: error\tError Type: Runtime.ExitError").unwrap();
        assert_eq!(r.status.as_deref(), Some("error"));
        assert_eq!(r.error_type.as_deref(), Some("Runtime.ExitError"));
        assert_eq!(ReportLine::parse(&r.to_string()).unwrap(), r);
    }
}
