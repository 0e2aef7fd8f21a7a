//! Runs one target locally: a cold run (fresh process, one invocation) or warm invocations on a
//! long-lived process, each turned into a [`Sample`].

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;

use super::result::{Kind, Sample, Status};
use crate::error::Result;
use crate::invocation::{Invocation, Outcome};
use crate::process::{LogLine, SpawnConfig, Wrapper};
use crate::session::{InitReport, InitStatus, LocalFunction};

/// A bootstrap to benchmark, with the label it gets in tables.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub binary: PathBuf,
}

/// A named payload.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub payload: Bytes,
}

/// Local run settings.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    pub cold_runs: usize,
    pub warm_runs: usize,
    /// Untimed invocations on a fresh warm process before the timed ones.
    pub warmup: usize,
    pub timeout: Duration,
    pub init_timeout: Duration,
    pub memory_mb: u32,
    pub wrapper: Wrapper,
    pub env: Vec<(String, String)>,
    pub echo_logs: bool,
    /// Warm runs of a target stop after this many crashes/timeouts (each costs a restart).
    pub max_restarts: usize,
    /// Cold runs of a target stop after this many consecutive init failures.
    pub max_init_failures: usize,
}

impl Default for LocalOptions {
    fn default() -> Self {
        LocalOptions {
            cold_runs: 10,
            warm_runs: 100,
            warmup: 1,
            timeout: Duration::from_secs(3),
            init_timeout: Duration::from_secs(10),
            memory_mb: 128,
            wrapper: Wrapper::Auto,
            env: Vec::new(),
            echo_logs: false,
            max_restarts: 3,
            max_init_failures: 3,
        }
    }
}

/// Log lines kept with a failed sample.
const FAILURE_LOG_LINES: usize = 20;

pub(crate) fn spawn_config(target: &Target, opts: &LocalOptions) -> SpawnConfig {
    SpawnConfig {
        binary: target.binary.clone(),
        wrapper: opts.wrapper.clone(),
        env: opts.env.clone(),
        memory_mb: opts.memory_mb,
        echo_logs: opts.echo_logs,
        ..SpawnConfig::default()
    }
}

/// A fresh process, one invocation, then kill: Init Duration, cold Duration, and the peak RSS
/// of the whole life (`wait4`). `Err` only if the binary cannot be started at all.
pub async fn cold_run(
    target: &Target,
    opts: &LocalOptions,
    event: &Event,
) -> Result<(Sample, Option<Bytes>)> {
    let cfg = spawn_config(target, opts);
    let mut f = LocalFunction::start(&cfg, opts.init_timeout).await?;
    let init = f.init().clone();
    if init.status != InitStatus::Ready {
        let sample = init_failure(Kind::Cold, event, &init, &f);
        return Ok((sample, None));
    }
    let invocation = f.invoke(event.payload.clone(), opts.timeout).await;
    let live_rss = f.process().peak_rss_bytes();
    let tail = tail_if_failed(&invocation, &f);
    let exit = f.shutdown().await;
    let rss = exit.and_then(|e| e.peak_rss_bytes).or(live_rss);
    let (sample, response) = sample_of(Kind::Cold, event, invocation, Some(&init), rss, tail);
    Ok((sample, response))
}

/// A long-lived process for warm invocations; restarted (bounded) after a crash or timeout.
pub struct WarmSession {
    target: Target,
    opts: LocalOptions,
    function: Option<LocalFunction>,
    restarts: usize,
    /// Set when the session gave up; later invocations are not attempted.
    pub aborted: Option<String>,
    /// Facts about the process for the result: argv and whether it is emulated.
    pub argv: Vec<String>,
    pub emulated: bool,
}

impl WarmSession {
    /// Starts the process and runs the untimed warm-up invocations with `first`.
    pub async fn start(target: &Target, opts: &LocalOptions, first: &Event) -> Result<WarmSession> {
        let mut session = WarmSession {
            target: target.clone(),
            opts: opts.clone(),
            function: None,
            restarts: 0,
            aborted: None,
            argv: Vec::new(),
            emulated: false,
        };
        session.spawn(first).await?;
        Ok(session)
    }

    async fn spawn(&mut self, warmup_event: &Event) -> Result<()> {
        let cfg = spawn_config(&self.target, &self.opts);
        let mut f = LocalFunction::start(&cfg, self.opts.init_timeout).await?;
        self.argv = f.process().argv().to_vec();
        self.emulated = f.process().emulated();
        if f.init().status != InitStatus::Ready {
            let sample = init_failure(Kind::Warm, warmup_event, f.init(), &f);
            self.aborted = Some(format!(
                "warm process failed to start: {}{}",
                sample.detail.unwrap_or_default(),
                last_words(&sample.log_tail)
            ));
            return Ok(());
        }
        for _ in 0..self.opts.warmup {
            let out = f
                .invoke(warmup_event.payload.clone(), self.opts.timeout)
                .await;
            if !matches!(
                out.outcome,
                Outcome::Response(_) | Outcome::FunctionError(_)
            ) {
                let tail = lines(&f.process().log_tail(FAILURE_LOG_LINES));
                self.aborted = Some(format!(
                    "warm-up invocation did not answer: {}{}",
                    describe(&out.outcome),
                    last_words(&tail)
                ));
                return Ok(());
            }
        }
        self.function = Some(f);
        Ok(())
    }

    /// One timed warm invocation. `None` once the session has given up.
    pub async fn invoke(&mut self, event: &Event) -> Result<Option<(Sample, Option<Bytes>)>> {
        if self.aborted.is_some() {
            return Ok(None);
        }
        if self.function.as_ref().is_none_or(|f| !f.is_ready()) {
            if self.restarts >= self.opts.max_restarts {
                self.aborted = Some(format!(
                    "stopped after {} restarts (crashes or timeouts)",
                    self.restarts
                ));
                return Ok(None);
            }
            self.restarts += 1;
            self.function = None;
            self.spawn(event).await?;
            if self.aborted.is_some() {
                return Ok(None);
            }
        }
        let Some(f) = self.function.as_mut() else {
            return Ok(None);
        };
        let invocation = f.invoke(event.payload.clone(), self.opts.timeout).await;
        let rss = f.process().peak_rss_bytes();
        let tail = tail_if_failed(&invocation, f);
        Ok(Some(sample_of(
            Kind::Warm,
            event,
            invocation,
            None,
            rss,
            tail,
        )))
    }

    /// Kills the process; returns its lifetime peak RSS.
    pub async fn shutdown(mut self) -> Option<u64> {
        match self.function.take() {
            Some(f) => f.shutdown().await.and_then(|e| e.peak_rss_bytes),
            None => None,
        }
    }
}

fn tail_if_failed(invocation: &Invocation, f: &LocalFunction) -> Vec<String> {
    match invocation.outcome {
        Outcome::Response(_) | Outcome::FunctionError(_) => Vec::new(),
        _ => lines(&f.process().log_tail(FAILURE_LOG_LINES)),
    }
}

fn lines(log: &[LogLine]) -> Vec<String> {
    log.iter().map(|l| l.text.clone()).collect()
}

fn last_words(tail: &[String]) -> String {
    match tail.last() {
        Some(line) => format!(" (last log line: {line})"),
        None => String::new(),
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Response(_) => "response".into(),
        Outcome::FunctionError(e) => e.to_string(),
        Outcome::Timeout => "timed out".into(),
        Outcome::Crashed(exit) => format!("process {exit}"),
    }
}

fn sample_of(
    kind: Kind,
    event: &Event,
    invocation: Invocation,
    init: Option<&InitReport>,
    rss: Option<u64>,
    log_tail: Vec<String>,
) -> (Sample, Option<Bytes>) {
    let status = match &invocation.outcome {
        Outcome::Response(_) => Status::Ok,
        Outcome::FunctionError(_) => Status::FunctionError,
        Outcome::Timeout => Status::Timeout,
        Outcome::Crashed(_) => Status::Crash,
    };
    let detail = match &invocation.outcome {
        Outcome::Response(_) => None,
        other => Some(describe(other)),
    };
    let answered = status.answered() || invocation.delivered_at.is_some();
    let sample = Sample {
        kind,
        event: event.name.clone(),
        request_id: invocation.request_id.clone(),
        status,
        init_ms: init.map(|i| ms(i.duration)),
        duration_ms: answered.then(|| ms(invocation.duration)),
        billed_ms: None,
        max_memory_bytes: rss,
        detail,
        log_tail,
    };
    let body = match invocation.outcome {
        Outcome::Response(body) => Some(body),
        Outcome::FunctionError(e) => Some(Bytes::from(e.to_string())),
        _ => None,
    };
    (sample, body)
}

fn init_failure(kind: Kind, event: &Event, init: &InitReport, f: &LocalFunction) -> Sample {
    let (status, detail) = match &init.status {
        InitStatus::InitError(e) => (Status::InitError, format!("init error {e}")),
        InitStatus::Crashed(exit) => (Status::InitCrash, format!("process {exit} during init")),
        InitStatus::Timeout => (
            Status::InitTimeout,
            "no request for an event within the init timeout".into(),
        ),
        InitStatus::Ready => unreachable!("only called for failed inits"),
    };
    let anomalies: Vec<String> = f
        .api()
        .anomalies()
        .iter()
        .map(|a| format!("Runtime API: {a}"))
        .collect();
    let mut log_tail = lines(&f.process().log_tail(FAILURE_LOG_LINES));
    log_tail.extend(anomalies);
    Sample {
        kind,
        event: event.name.clone(),
        request_id: String::new(),
        status,
        init_ms: Some(ms(init.duration)),
        duration_ms: None,
        billed_ms: None,
        max_memory_bytes: f.process().peak_rss_bytes(),
        detail: Some(detail),
        log_tail,
    }
}

/// Duration in milliseconds with µs resolution kept.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
