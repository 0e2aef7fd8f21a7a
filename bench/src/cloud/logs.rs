//! The REPORT line of an invocation from CloudWatch Logs, for when `LogType=Tail` brings none.
//! Polled with growing pauses until found or [`super::CloudOptions::logs_timeout`].

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{CloudBench, CloudError};
use crate::report::{ParseError, ReportLine};

/// Pages read per poll (a page holds up to 10 000 events).
const MAX_PAGES: usize = 5;

impl CloudBench {
    /// Finds `REPORT RequestId: <request_id>` in `log_group`, written after `since`.
    /// `Ok(None)` when it did not show up in time.
    pub async fn report_from_logs(
        &self,
        log_group: &str,
        request_id: &str,
        since: SystemTime,
    ) -> Result<Option<Result<ReportLine, ParseError>>, CloudError> {
        let start_ms = since
            .checked_sub(Duration::from_secs(5))
            .unwrap_or(since)
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        let needle = format!("REPORT RequestId: {request_id}");
        let started = Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            let mut token: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let out = self
                    .logs
                    .filter_log_events()
                    .log_group_name(log_group)
                    .filter_pattern(format!("\"{request_id}\""))
                    .start_time(start_ms)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| from_logs_sdk(self.options.max_attempts, e))?;
                // Check client-side too: not every emulator applies filter patterns.
                let found = out
                    .events()
                    .iter()
                    .filter_map(|e| e.message())
                    .flat_map(str::lines)
                    .find(|line| line.trim_start().starts_with(&needle));
                if let Some(line) = found {
                    return Ok(Some(ReportLine::parse(line)));
                }
                match out.next_token() {
                    Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                    _ => break,
                }
            }
            if started.elapsed() + delay > self.options.logs_timeout {
                return Ok(None);
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(3));
        }
    }
}

fn from_logs_sdk<E, R>(
    attempts: u32,
    err: aws_sdk_cloudwatchlogs::error::SdkError<E, R>,
) -> CloudError
where
    E: aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug,
{
    CloudError::from_sdk("FilterLogEvents", attempts, err)
}
