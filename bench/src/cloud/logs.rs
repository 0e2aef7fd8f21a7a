//! The REPORT line of an invocation from CloudWatch Logs, for when `LogType=Tail` brings none.
//! Polled with growing pauses until found or [`super::CloudOptions::logs_timeout`].
//!
//! Both forms are read (see [`crate::report`]): text `REPORT RequestId: …` lines and JSON
//! `platform.report` records (functions with `LoggingConfig.LogFormat: JSON`). The filter
//! patterns match either: the request id as a quoted term (it appears in both forms), and for
//! the match by time [`ANY_REPORT_PATTERN`].
//!
//! On AWS, Invoke's `x-amzn-RequestId` is the invocation's request id, so the line is found by
//! id. Some emulators (MiniStack) answer Invoke with a request id of their own; when nothing
//! matches by id for a few seconds and invocations run one at a time, the line is matched by
//! time instead: the first REPORT line written after the call that no other sample claimed.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{CloudBench, CloudError};
use crate::report::{record_kind, request_id_of, ParseError, RecordKind, ReportLine};

/// Pages read per poll (a page holds up to 10 000 events).
const MAX_PAGES: usize = 5;
/// How long to look by request id before matching by time.
const ID_GRACE: Duration = Duration::from_secs(3);
/// CloudWatch Logs filter pattern for any report, text or JSON: `?` terms match either.
pub const ANY_REPORT_PATTERN: &str = r#"?"REPORT RequestId" ?"platform.report""#;
/// The same as one query per form, for emulators whose filter ignores `?` alternatives
/// (MiniStack 1.5 answers the combined pattern with nothing).
const EACH_REPORT_PATTERN: [&str; 2] = [r#""REPORT RequestId""#, r#""platform.report""#];

/// Where a REPORT line was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSource {
    /// The decoded `LogResult` of the Invoke response.
    Tail,
    /// CloudWatch Logs, by request id.
    Logs,
    /// CloudWatch Logs, the first unclaimed line after the call (request ids did not match).
    LogsByTime,
}

/// REPORT lines already attributed to a sample, and whether ids were seen not to match.
#[derive(Debug, Default)]
pub(crate) struct Claims {
    claimed: Mutex<HashSet<String>>,
    pub ids_differ: AtomicBool,
}

impl Claims {
    fn claim(&self, key: &str) -> bool {
        self.claimed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_owned())
    }

    fn is_claimed(&self, key: &str) -> bool {
        self.claimed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(key)
    }
}

/// The request id a report names, or the whole line when it names none.
fn claim_key(line: &str) -> String {
    request_id_of(line).unwrap_or_else(|| line.to_owned())
}

fn epoch_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as i64
}

impl CloudBench {
    /// Finds the REPORT line of `request_id` (invoked at `since`) in `log_group`.
    /// `Ok(None)` when nothing showed up in time.
    pub async fn report_from_logs(
        &self,
        log_group: &str,
        request_id: &str,
        since: SystemTime,
    ) -> Result<Option<(Result<ReportLine, ParseError>, ReportSource)>, CloudError> {
        let sent_ms = epoch_ms(since);
        let by_time_allowed = self.options.concurrency == 1;
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            let ids_differ = self.claims.ids_differ.load(Ordering::Relaxed);
            if !ids_differ {
                let lines = self
                    .report_lines(log_group, &format!("\"{request_id}\""), sent_ms - 5000)
                    .await?;
                if let Some((_, line)) = lines
                    .iter()
                    .find(|(_, l)| request_id_of(l).as_deref() == Some(request_id))
                {
                    self.claims.claim(&claim_key(line));
                    return Ok(Some((ReportLine::parse(line), ReportSource::Logs)));
                }
            }
            if by_time_allowed
                && (ids_differ || started.elapsed() >= ID_GRACE.min(self.options.logs_timeout / 2))
            {
                let mut lines = self
                    .report_lines(log_group, ANY_REPORT_PATTERN, sent_ms)
                    .await?;
                if lines.is_empty() {
                    for pattern in EACH_REPORT_PATTERN {
                        lines.extend(self.report_lines(log_group, pattern, sent_ms).await?);
                    }
                }
                lines.sort_by_key(|(ts, _)| *ts);
                let unclaimed = lines.iter().find(|(ts, line)| {
                    *ts >= sent_ms - 10 && !self.claims.is_claimed(&claim_key(line))
                });
                if let Some((_, line)) = unclaimed {
                    self.claims.claim(&claim_key(line));
                    self.claims.ids_differ.store(true, Ordering::Relaxed);
                    return Ok(Some((ReportLine::parse(line), ReportSource::LogsByTime)));
                }
            }
            if started.elapsed() + delay > self.options.logs_timeout {
                return Ok(None);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(3));
        }
    }

    /// Reports, text or JSON (with their timestamps), matching `pattern` since `start_ms`.
    /// Filtered client-side as well: not every emulator applies filter patterns.
    async fn report_lines(
        &self,
        log_group: &str,
        pattern: &str,
        start_ms: i64,
    ) -> Result<Vec<(i64, String)>, CloudError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let out = self
                .logs
                .filter_log_events()
                .log_group_name(log_group)
                .filter_pattern(pattern)
                .start_time(start_ms)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| {
                    CloudError::from_sdk("FilterLogEvents", self.options.max_attempts, e)
                })?;
            for event in out.events() {
                let ts = event.timestamp().unwrap_or(0);
                let lines = event.message().unwrap_or_default().lines();
                found.extend(
                    lines
                        .filter(|l| record_kind(l) == RecordKind::Report)
                        .map(|l| (ts, l.trim().to_owned())),
                );
            }
            match out.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_keys() {
        assert_eq!(claim_key("REPORT RequestId: abc\tDuration: 1 ms"), "abc");
        assert_eq!(claim_key("REPORT Duration: 1 ms"), "REPORT Duration: 1 ms");
        let json = r#"{"time":"t","type":"platform.report","record":{"requestId":"def","metrics":{"durationMs":1.0}}}"#;
        assert_eq!(claim_key(json), "def");
        let claims = Claims::default();
        assert!(claims.claim("abc"));
        assert!(!claims.claim("abc"));
        assert!(claims.is_claimed("abc"));
    }
}
