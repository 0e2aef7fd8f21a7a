//! One `Invoke` with `LogType=Tail`, turned into a [`Sample`] from its REPORT line.

use std::time::SystemTime;

use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::LogType;
use base64::Engine;

use super::{CloudBench, CloudError, ReportSource};
use crate::benchmark::{Kind, Progress, Sample, Status, TargetResult};
use crate::report::{ParseError, ReportLine};

/// What one invoke returned.
#[derive(Debug, Clone)]
pub struct CloudInvocation {
    pub event: String,
    pub request_id: String,
    pub status: Status,
    /// Response payload (or the error document for a function error).
    pub payload: Vec<u8>,
    /// Error type and message, for function errors.
    pub detail: Option<String>,
    /// The REPORT line, from the tail or from CloudWatch Logs; `Err` if it was malformed,
    /// `None` if none was found.
    pub report: Option<Result<ReportLine, ParseError>>,
    /// Where the REPORT line came from.
    pub report_source: Option<ReportSource>,
    /// The decoded tail log (up to 4 KB), kept for failures.
    pub tail: String,
}

impl CloudBench {
    /// Invokes once; the REPORT line comes from the tail log, else from `log_group`.
    pub async fn invoke(
        &self,
        event: &crate::benchmark::Event,
        log_group: &str,
    ) -> Result<CloudInvocation, CloudError> {
        let sent_at = SystemTime::now();
        let out = self
            .lambda
            .invoke()
            .function_name(&self.options.function)
            .set_qualifier(self.options.qualifier.clone())
            .log_type(LogType::Tail)
            .payload(Blob::new(event.payload.to_vec()))
            .send()
            .await
            .map_err(|e| CloudError::from_sdk("Invoke", self.options.max_attempts, e))?;
        let request_id = out.request_id().unwrap_or_default().to_owned();
        let tail = out
            .log_result()
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let payload = out
            .payload()
            .map(|p| p.as_ref().to_vec())
            .unwrap_or_default();
        let (mut report, mut report_source) = match ReportLine::find_in(&tail) {
            Some(found) => (Some(found), Some(ReportSource::Tail)),
            None => (None, None),
        };
        if report.is_none() && !request_id.is_empty() {
            let found = self
                .report_from_logs(log_group, &request_id, sent_at)
                .await?;
            if let Some((line, source)) = found {
                report = Some(line);
                report_source = Some(source);
            }
        }
        let (status, detail) = classify(out.function_error(), &payload, report.as_ref());
        Ok(CloudInvocation {
            event: event.name.clone(),
            request_id,
            status,
            payload,
            detail,
            report,
            report_source,
            tail,
        })
    }
}

/// Lambda reports crashes and timeouts as function errors; tell them apart from handled ones
/// by the error type (`Runtime.ExitError`, `Sandbox.Timedout`; from the payload, else the
/// report's `errorType`) or the report's status.
fn classify(
    function_error: Option<&str>,
    payload: &[u8],
    report: Option<&Result<ReportLine, ParseError>>,
) -> (Status, Option<String>) {
    let report = report.and_then(|r| r.as_ref().ok());
    let report_status = report.and_then(|r| r.status.clone());
    if report_status.as_deref() == Some("timeout") {
        return (Status::Timeout, Some("REPORT Status: timeout".into()));
    }
    let Some(kind) = function_error else {
        return (Status::Ok, None);
    };
    let doc: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
    let error_type = doc
        .get("errorType")
        .and_then(|v| v.as_str())
        .or_else(|| report.and_then(|r| r.error_type.as_deref()))
        .unwrap_or(kind)
        .to_owned();
    let message = doc
        .get("errorMessage")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let detail = Some(format!("{error_type}: {message}"));
    let status = if error_type == "Sandbox.Timedout" || message.contains("Task timed out") {
        Status::Timeout
    } else if error_type.starts_with("Runtime.ExitError") || error_type == "Runtime.Crash" {
        Status::Crash
    } else {
        Status::FunctionError
    };
    (status, detail)
}

impl CloudInvocation {
    /// Adds this invocation to `result` as a [`Sample`]. An Init Duration in the REPORT line
    /// makes it cold whatever was `intended`.
    pub fn record(self, result: &mut TargetResult, intended: Kind, progress: &dyn Progress) {
        let (line, problem) = match &self.report {
            Some(Ok(line)) => (Some(line.clone()), None),
            Some(Err(e)) => (None, Some(format!("malformed REPORT line: {e}"))),
            None => (
                None,
                Some("no REPORT line in the tail log nor in CloudWatch Logs".to_owned()),
            ),
        };
        let kind = match &line {
            Some(l) if l.init_duration_ms.is_some() => Kind::Cold,
            Some(_) => Kind::Warm,
            None => intended,
        };
        if intended == Kind::Cold && kind == Kind::Warm {
            progress.warn(&format!(
                "{}: forced cold start but the REPORT line has no Init Duration",
                self.request_id
            ));
        }
        if let Some(problem) = &problem {
            progress.warn(&format!("{} ({}): {problem}", self.request_id, self.event));
        }
        if line.as_ref().is_some_and(|l| l.memory_size_mb > 0) && result.memory_size_mb == 0 {
            result.memory_size_mb = line.as_ref().map(|l| l.memory_size_mb).unwrap_or(0);
        }
        let detail = match (self.detail.clone(), problem) {
            (Some(d), Some(p)) => Some(format!("{d}; {p}")),
            (d, p) => d.or(p),
        };
        let failed = !self.status.answered();
        let sample = Sample {
            kind,
            event: self.event.clone(),
            request_id: self.request_id.clone(),
            status: self.status,
            init_ms: line.as_ref().and_then(|l| l.init_duration_ms),
            duration_ms: line.as_ref().map(|l| l.duration_ms),
            billed_ms: line.as_ref().map(|l| l.billed_duration_ms),
            max_memory_bytes: line.as_ref().map(|l| l.max_memory_used_mb * 1024 * 1024),
            detail,
            log_tail: if failed {
                self.tail.lines().map(str::to_owned).collect()
            } else {
                Vec::new()
            },
        };
        let text = String::from_utf8_lossy(&self.payload)
            .trim()
            .chars()
            .take(400)
            .collect::<String>();
        result.note_answer(&self.event, self.status, || text);
        result.samples.push(sample);
        progress.sample(result, result.samples.last().expect("just pushed"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_errors_like_lambda_reports_them() {
        assert_eq!(classify(None, b"{}", None).0, Status::Ok);
        let handled =
            br#"{"errorType":"InvalidPayload","errorMessage":"transactions[3].amount: bad"}"#;
        let (status, detail) = classify(Some("Unhandled"), handled, None);
        assert_eq!(status, Status::FunctionError);
        assert_eq!(
            detail.unwrap(),
            "InvalidPayload: transactions[3].amount: bad"
        );
        let crash = br#"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited with error: signal: aborted"}"#;
        assert_eq!(classify(Some("Unhandled"), crash, None).0, Status::Crash);
        let timeout =
            br#"{"errorMessage":"2026-01-01T00:00:00Z x Task timed out after 3.00 seconds"}"#;
        assert_eq!(
            classify(Some("Unhandled"), timeout, None).0,
            Status::Timeout
        );
    }
}
