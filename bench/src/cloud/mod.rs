//! Cloud mode: the same figures from a deployed function, read from Lambda's own REPORT lines.
//!
//! - [`invoke`]: `Invoke` with `LogType=Tail`, the REPORT line decoded from `LogResult`.
//! - [`logs`]: when the tail brings no REPORT line (some emulators, or a log cut short), the
//!   line is looked up in CloudWatch Logs by request id.
//! - [`cold`]: a forced cold start: change an environment variable, wait until
//!   `LastUpdateStatus` is `Successful`; the next invoke gets a fresh execution environment.
//! - [`sweep`]: the same runs at several memory sizes, each on a published version behind a
//!   temporary alias; [`restore`] puts the function back as it was, whatever happens.
//!
//! Every AWS call goes through the SDK's standard retry strategy (exponential backoff with
//! jitter; throttling such as `TooManyRequestsException` is retried), bounded by
//! [`CloudOptions::max_attempts`]; after that the run stops with an error that says so.

pub mod cold;
pub mod invoke;
pub mod logs;
pub mod restore;
pub mod sweep;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_sdk_lambda::error::ProvideErrorMetadata as _;

use crate::benchmark::{Event, Kind, Progress, TargetResult};

pub use invoke::CloudInvocation;
pub use logs::ReportSource;

/// What to measure and how patiently.
#[derive(Debug, Clone)]
pub struct CloudOptions {
    /// Function name or ARN.
    pub function: String,
    pub qualifier: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// Endpoint override (emulators); `AWS_ENDPOINT_URL` is honoured by the SDK as well.
    pub endpoint_url: Option<String>,
    pub cold_runs: usize,
    /// Invocations before the warm ones, one at a time, not measured (their reports are not
    /// looked up either).
    pub warmup: usize,
    pub warm_runs: usize,
    pub concurrency: usize,
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub logs_timeout: Duration,
    pub update_timeout: Duration,
}

impl CloudOptions {
    pub fn new(function: impl Into<String>) -> CloudOptions {
        CloudOptions {
            function: function.into(),
            qualifier: None,
            region: None,
            profile: None,
            endpoint_url: None,
            cold_runs: 0,
            warmup: 0,
            warm_runs: 20,
            concurrency: 1,
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            logs_timeout: Duration::from_secs(30),
            update_timeout: Duration::from_secs(60),
        }
    }
}

/// Why a cloud run stopped.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    #[error("{operation} was throttled on all {attempts} attempts (the SDK backed off between them): {message}")]
    Throttled {
        operation: &'static str,
        attempts: u32,
        message: String,
    },
    #[error("{operation} failed: {message}")]
    Aws {
        operation: &'static str,
        message: String,
    },
    #[error("configuration update of {function} did not finish: {reason}")]
    UpdateNotFinished { function: String, reason: String },
    /// A request that cannot be carried out as asked (nothing was changed).
    #[error("{0}")]
    Refused(String),
    /// Ctrl-C during a sweep; the function was restored.
    #[error("interrupted; {restored}")]
    Interrupted { restored: String },
    /// A sweep stopped by `cause`; the function was restored.
    #[error("{cause}\n{restored}")]
    SweepStopped {
        cause: Box<CloudError>,
        restored: String,
    },
    /// Putting the function back failed: what failed, and the commands that finish the job.
    #[error("{}restoring {function} failed:\n  {}\nrun these to restore it by hand:\n  {}",
        stopped_by.as_ref().map(|s| format!("{s}\n")).unwrap_or_default(),
        failures.join("\n  "), commands.join("\n  "))]
    RestoreFailed {
        function: String,
        /// Why the sweep stopped before the restore, if it did not finish.
        stopped_by: Option<String>,
        failures: Vec<String>,
        commands: Vec<String>,
    },
}

impl CloudError {
    /// Classifies an SDK error: throttling (after the retries) gets its own, explicit message.
    pub(crate) fn from_sdk<E, R>(
        operation: &'static str,
        attempts: u32,
        err: aws_sdk_lambda::error::SdkError<E, R>,
    ) -> CloudError
    where
        E: aws_sdk_lambda::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        let code = err.code().map(str::to_owned);
        let message = match (err.code(), err.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            _ => aws_sdk_lambda::error::DisplayErrorContext(&err).to_string(),
        };
        let throttled = matches!(
            code.as_deref(),
            Some(
                "TooManyRequestsException"
                    | "ThrottlingException"
                    | "Throttling"
                    | "RequestLimitExceeded"
            )
        );
        if throttled {
            CloudError::Throttled {
                operation,
                attempts,
                message,
            }
        } else {
            CloudError::Aws { operation, message }
        }
    }
}

/// The SDK configuration loader for `options`: region/profile from the usual AWS config unless
/// given, the endpoint override, and the retry policy.
pub fn config_loader(options: &CloudOptions) -> ConfigLoader {
    let retry = RetryConfig::standard()
        .with_max_attempts(options.max_attempts.max(1))
        .with_initial_backoff(options.initial_backoff)
        .with_max_backoff(Duration::from_secs(20));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader
}

/// A deployed function to benchmark.
pub struct CloudBench {
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) options: CloudOptions,
    pub(crate) claims: std::sync::Arc<logs::Claims>,
}

impl CloudBench {
    /// Loads the AWS configuration the usual way (env, profile, IMDS...) with `options` on top.
    pub async fn connect(options: CloudOptions) -> CloudBench {
        let sdk = config_loader(&options).load().await;
        CloudBench::new(&sdk, options)
    }

    /// Uses an already loaded configuration (tests give static credentials this way).
    pub fn new(sdk: &SdkConfig, options: CloudOptions) -> CloudBench {
        CloudBench {
            lambda: aws_sdk_lambda::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            options,
            claims: Default::default(),
        }
    }

    /// Forced cold starts, warm-up invocations, then warm invocations with bounded
    /// concurrency, cycling `events`.
    /// Samples are classified by their REPORT line: one with an Init Duration is cold, even
    /// when it was meant to be warm (concurrency makes Lambda add environments).
    pub async fn run(
        &self,
        events: &[Event],
        progress: &dyn Progress,
    ) -> Result<TargetResult, CloudError> {
        let config = self.configuration().await?;
        let mut result = TargetResult::new(
            self.options.function.clone(),
            match &self.options.qualifier {
                Some(q) => format!("{}:{q}", config.arn),
                None => config.arn.clone(),
            },
            config.memory_mb,
        );
        result.size_bytes = config.code_size;
        self.measure(events, progress, &mut result, &config.log_group, || {
            self.force_cold_start()
        })
        .await?;
        Ok(result)
    }

    /// The measurement loop of [`CloudBench::run`], with the way to force a cold start given:
    /// an environment update of `$LATEST` there, a new version behind the sweep's alias in
    /// [`CloudBench::sweep`].
    pub(crate) async fn measure<F, Fut>(
        &self,
        events: &[Event],
        progress: &dyn Progress,
        result: &mut TargetResult,
        log_group: &str,
        mut force_cold_start: F,
    ) -> Result<(), CloudError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), CloudError>>,
    {
        assert!(!events.is_empty(), "at least one event");
        let mut warned_by_time = false;
        progress.phase("cold", self.options.cold_runs as u64);
        for round in 0..self.options.cold_runs {
            force_cold_start().await?;
            let event = &events[round % events.len()];
            let invocation = self.invoke(event, log_group).await?;
            warned_by_time |= warn_by_time(&invocation, warned_by_time, progress);
            invocation.record(result, Kind::Cold, progress);
        }

        self.warm_up(events).await?;
        progress.phase("warm", self.options.warm_runs as u64);
        let concurrency = self.options.concurrency.max(1);
        let mut in_flight = tokio::task::JoinSet::new();
        let mut next = 0usize;
        let mut done = 0usize;
        let bench = std::sync::Arc::new(self.clone_handles());
        while done < self.options.warm_runs {
            while in_flight.len() < concurrency && next < self.options.warm_runs {
                let event = events[next % events.len()].clone();
                let (bench, log_group) = (bench.clone(), log_group.to_owned());
                in_flight.spawn(async move { bench.invoke(&event, &log_group).await });
                next += 1;
            }
            let Some(joined) = in_flight.join_next().await else {
                break;
            };
            let invocation = joined.map_err(|e| CloudError::Aws {
                operation: "Invoke",
                message: e.to_string(),
            })??;
            warned_by_time |= warn_by_time(&invocation, warned_by_time, progress);
            invocation.record(result, Kind::Warm, progress);
            done += 1;
        }
        progress.finish();
        result.summarize();
        Ok(())
    }

    /// [`CloudOptions::warmup`] invocations, cycling `events`; only an AWS error counts.
    async fn warm_up(&self, events: &[Event]) -> Result<(), CloudError> {
        for round in 0..self.options.warmup {
            let event = &events[round % events.len()];
            self.lambda
                .invoke()
                .function_name(&self.options.function)
                .set_qualifier(self.options.qualifier.clone())
                .payload(aws_sdk_lambda::primitives::Blob::new(
                    event.payload.to_vec(),
                ))
                .send()
                .await
                .map_err(|e| CloudError::from_sdk("Invoke", self.options.max_attempts, e))?;
        }
        Ok(())
    }

    fn clone_handles(&self) -> CloudBench {
        CloudBench {
            lambda: self.lambda.clone(),
            logs: self.logs.clone(),
            options: self.options.clone(),
            claims: self.claims.clone(),
        }
    }

    /// The bare function name (log groups and ARNs use it, not the ARN or `name:qualifier`).
    pub(crate) fn function_name(&self) -> &str {
        let f = self.options.function.as_str();
        match f.split_once(":function:") {
            Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
            None => f,
        }
    }
}

/// Says once per run that REPORT lines are being matched by time; true if it did.
fn warn_by_time(invocation: &CloudInvocation, already: bool, progress: &dyn Progress) -> bool {
    if already || invocation.report_source != Some(ReportSource::LogsByTime) {
        return false;
    }
    progress.warn(
        "REPORT lines are matched by time: the endpoint's Invoke request ids are not the \
         invocation ids in its logs (an emulator?); this is exact only without other callers",
    );
    true
}
