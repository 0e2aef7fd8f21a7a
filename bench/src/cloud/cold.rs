//! Forcing a cold start: any configuration change retires the function's warm execution
//! environments. We set `LAMBDA_BENCH_COLD_START` to a fresh value (keeping every other
//! variable) and wait, bounded, until `LastUpdateStatus` is `Successful`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_lambda::types::{Environment, LastUpdateStatus, State};

use super::{CloudBench, CloudError};

/// The variable changed to force a cold start.
pub const COLD_START_VARIABLE: &str = "LAMBDA_BENCH_COLD_START";

/// Facts read once from `GetFunctionConfiguration`.
#[derive(Debug, Clone)]
pub struct FunctionConfig {
    pub arn: String,
    pub memory_mb: u64,
    pub code_size: Option<u64>,
    /// Where the REPORT lines go: the logging config's group, or `/aws/lambda/<name>`.
    pub log_group: String,
    /// `arm64` or `x86_64` (Lambda's names); `None` when the endpoint does not say.
    pub architecture: Option<String>,
    /// The environment variables (empty when there are none).
    pub variables: HashMap<String, String>,
}

impl CloudBench {
    pub async fn configuration(&self) -> Result<FunctionConfig, CloudError> {
        let attempts = self.options.max_attempts;
        let out = self
            .lambda
            .get_function_configuration()
            .function_name(&self.options.function)
            .send()
            .await
            .map_err(|e| CloudError::from_sdk("GetFunctionConfiguration", attempts, e))?;
        let name = self.function_name().to_owned();
        Ok(FunctionConfig {
            arn: out.function_arn().unwrap_or(&name).to_owned(),
            memory_mb: out
                .memory_size()
                .and_then(|m| u64::try_from(m).ok())
                .unwrap_or(0),
            code_size: u64::try_from(out.code_size()).ok().filter(|&s| s > 0),
            log_group: out
                .logging_config()
                .and_then(|l| l.log_group())
                .map(str::to_owned)
                .unwrap_or_else(|| format!("/aws/lambda/{name}")),
            architecture: out.architectures().first().map(|a| a.as_str().to_owned()),
            variables: out
                .environment()
                .and_then(|e| e.variables())
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// Changes [`COLD_START_VARIABLE`] and waits for the update to finish.
    pub async fn force_cold_start(&self) -> Result<(), CloudError> {
        let mut variables = self.configuration().await?.variables;
        variables.insert(
            COLD_START_VARIABLE.to_owned(),
            uuid::Uuid::new_v4().to_string(),
        );
        self.update_latest(None, variables).await
    }

    /// Sets `$LATEST`'s environment variables (all of them) and, when given, its memory size,
    /// then waits for the update to finish.
    pub(crate) async fn update_latest(
        &self,
        memory_mb: Option<u64>,
        variables: HashMap<String, String>,
    ) -> Result<(), CloudError> {
        let memory = memory_mb.map(|m| i32::try_from(m).unwrap_or(i32::MAX));
        self.lambda
            .update_function_configuration()
            .function_name(&self.options.function)
            .set_memory_size(memory)
            .environment(
                Environment::builder()
                    .set_variables(Some(variables))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                CloudError::from_sdk("UpdateFunctionConfiguration", self.options.max_attempts, e)
            })?;
        self.wait_for_update(None).await
    }

    /// Waits until `$LATEST` (or the published version `qualifier`) is no longer being updated
    /// or created: `LastUpdateStatus` and `State` both settled.
    pub(crate) async fn wait_for_update(&self, qualifier: Option<&str>) -> Result<(), CloudError> {
        let started = Instant::now();
        let mut delay = Duration::from_millis(100);
        loop {
            let out = self
                .lambda
                .get_function_configuration()
                .function_name(&self.options.function)
                .set_qualifier(qualifier.map(str::to_owned))
                .send()
                .await
                .map_err(|e| {
                    CloudError::from_sdk("GetFunctionConfiguration", self.options.max_attempts, e)
                })?;
            // A version just published can be `Pending` while its status already reads
            // `Successful`; invoking it then fails.
            let pending = out.state() == Some(&State::Pending);
            match out.last_update_status() {
                // Emulators may not report a status at all: nothing to wait for then.
                Some(LastUpdateStatus::Successful) | None if !pending => return Ok(()),
                Some(LastUpdateStatus::Failed) => {
                    return Err(CloudError::UpdateNotFinished {
                        function: self.options.function.clone(),
                        reason: format!(
                            "LastUpdateStatus Failed: {}",
                            out.last_update_status_reason().unwrap_or("no reason given")
                        ),
                    })
                }
                _ => {}
            }
            if started.elapsed() + delay > self.options.update_timeout {
                return Err(CloudError::UpdateNotFinished {
                    function: self.options.function.clone(),
                    reason: format!(
                        "still {} after {:?}",
                        if pending { "Pending" } else { "InProgress" },
                        started.elapsed()
                    ),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }
    }
}
