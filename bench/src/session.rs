//! A bootstrap process attached to its own Runtime API: the simple front door for tests and
//! for the benchmark runner. Adds what neither half knows alone: Init Duration (spawn to first
//! `GET /next`) and crash detection (the process exits while an invocation is pending).

use std::time::Duration;

use bytes::Bytes;

use crate::error::Result;
use crate::invocation::{FunctionError, Invocation, Outcome};
use crate::process::{ExitInfo, FunctionProcess, SpawnConfig};
use crate::runtime_api::{new_request_id, ApiConfig, ApiInit, Fault, RuntimeApi};

/// How long after a process exit a pending result may still arrive (it was posted, then the
/// process died while the server was reading it).
const CRASH_GRACE: Duration = Duration::from_millis(50);

/// How the init phase ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitStatus {
    /// The runtime asked for its first event.
    Ready,
    /// The runtime posted to `/init/error`.
    InitError(FunctionError),
    /// The process exited before asking for an event.
    Crashed(ExitInfo),
    /// Neither within the init timeout (the process is then killed).
    Timeout,
}

/// Init phase: its status and Lambda's Init Duration (spawn until the first `GET /next`, or
/// until the failure was seen).
#[derive(Debug, Clone)]
pub struct InitReport {
    pub status: InitStatus,
    pub duration: Duration,
}

/// A bootstrap process with its private Runtime API.
///
/// Dropping it kills the process group and stops the API.
pub struct LocalFunction {
    // Field order matters for Drop: kill the process before closing its sockets.
    process: FunctionProcess,
    api: RuntimeApi,
    init: InitReport,
}

impl LocalFunction {
    /// Starts an API, spawns the bootstrap against it, and waits (up to `init_timeout`) for
    /// the end of its init phase. `Err` only when the process cannot be started at all; a
    /// function that fails its init is returned with [`InitStatus`] saying how.
    pub async fn start(cfg: &SpawnConfig, init_timeout: Duration) -> Result<LocalFunction> {
        LocalFunction::start_with_api(cfg, init_timeout, ApiConfig::default(), &[]).await
    }

    /// [`LocalFunction::start`] with an API configured by `api` (its identity comes from `cfg`)
    /// and faults queued before the process is spawned (so that even its first request can
    /// meet one).
    pub async fn start_with_api(
        cfg: &SpawnConfig,
        init_timeout: Duration,
        api: ApiConfig,
        faults: &[Fault],
    ) -> Result<LocalFunction> {
        let api = RuntimeApi::start_with(ApiConfig {
            function_name: cfg.function_name.clone(),
            region: cfg.region.clone(),
            ..api
        })
        .await?;
        for fault in faults {
            api.inject(fault.clone());
        }
        let mut process = FunctionProcess::spawn(cfg, api.addr())?;
        let spawned_at = process.spawned_at();
        let ready = tokio::select! {
            biased;
            ready = api.wait_ready(init_timeout) => ready,
            exit = process.exited() => {
                // A runtime may post /init/error and exit right away: prefer the error.
                match api.wait_ready(Duration::ZERO).await {
                    ApiInit::Timeout => {
                        let duration = exit.at.saturating_duration_since(spawned_at);
                        process.drain_logs(Duration::from_millis(300)).await;
                        let init = InitReport { status: InitStatus::Crashed(exit), duration };
                        return Ok(LocalFunction { process, api, init });
                    }
                    other => other,
                }
            }
        };
        let init = match ready {
            ApiInit::Ready { at } => InitReport {
                status: InitStatus::Ready,
                duration: at.saturating_duration_since(spawned_at),
            },
            ApiInit::InitError { at, error } => InitReport {
                status: InitStatus::InitError(error),
                duration: at.saturating_duration_since(spawned_at),
            },
            ApiInit::Timeout => {
                process.shutdown().await;
                InitReport {
                    status: InitStatus::Timeout,
                    duration: init_timeout,
                }
            }
        };
        Ok(LocalFunction { process, api, init })
    }

    pub fn init(&self) -> &InitReport {
        &self.init
    }

    /// True while the process runs and its init succeeded.
    pub fn is_ready(&self) -> bool {
        self.init.status == InitStatus::Ready && self.process.is_running()
    }

    /// Invokes with `payload`. Returns [`Outcome::Crashed`] if the process exits first and
    /// [`Outcome::Timeout`] after `timeout`, in which case the process is killed (as Lambda
    /// resets a sandbox after a timeout); check [`LocalFunction::is_ready`] before reusing it.
    pub async fn invoke(&mut self, payload: impl Into<Bytes>, timeout: Duration) -> Invocation {
        self.invoke_as(new_request_id(), payload, timeout).await
    }

    /// [`LocalFunction::invoke`] with a caller-chosen request id.
    pub async fn invoke_as(
        &mut self,
        request_id: String,
        payload: impl Into<Bytes>,
        timeout: Duration,
    ) -> Invocation {
        let invoke = self
            .api
            .invoke_as(request_id.clone(), payload.into(), timeout);
        tokio::pin!(invoke);
        let invocation = tokio::select! {
            biased;
            done = &mut invoke => done,
            exit = self.process.exited() => {
                // A result posted just before the exit may still be in the server's hands.
                if let Ok(done) = tokio::time::timeout(CRASH_GRACE, &mut invoke).await {
                    return done;
                }
                let delivered_at = self.api.delivered_at(&request_id);
                self.process.drain_logs(Duration::from_millis(300)).await;
                return Invocation {
                    request_id,
                    duration: delivered_at
                        .map(|d| exit.at.saturating_duration_since(d))
                        .unwrap_or_default(),
                    outcome: Outcome::Crashed(exit),
                    delivered_at,
                };
            }
        };
        if invocation.outcome == Outcome::Timeout {
            self.process.shutdown().await;
        }
        invocation
    }

    /// Kills the process (group) and waits for it; returns its exit (with `ru_maxrss`).
    pub async fn shutdown(mut self) -> Option<ExitInfo> {
        let exit = self.process.shutdown().await;
        self.api.stop();
        exit
    }

    pub fn process(&self) -> &FunctionProcess {
        &self.process
    }

    pub fn process_mut(&mut self) -> &mut FunctionProcess {
        &mut self.process
    }

    pub fn api(&self) -> &RuntimeApi {
        &self.api
    }
}
