//! One measurement: a fresh process told `AWS_LAMBDA_MAX_CONCURRENCY=N`, its polls counted,
//! one lone invocation for the reference answer, the warm-up, then the measured window with up
//! to `in_flight` events outstanding at all times.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::task::JoinSet;

use super::cpu::group_cpu_time;
use super::expect::{Expectation, Tally};
use super::results::{LoadResult, Window};
use super::LoadOptions;
use crate::benchmark::{Event, Target};
use crate::error::Result;
use crate::invocation::{Invocation, Outcome};
use crate::process::{ExitInfo, FunctionProcess, SpawnConfig};
use crate::runtime_api::{ApiConfig, ApiInit, RuntimeApi};

/// The variable Lambda Managed Instances set to the invocations one environment serves at once.
pub const MAX_CONCURRENCY_VAR: &str = "AWS_LAMBDA_MAX_CONCURRENCY";

/// Measures `target` serving `event` at `max_concurrency`. `Err` only when the process cannot
/// be started at all; everything a function does wrong is in the result.
pub async fn measure(
    target: &Target,
    event: &Event,
    max_concurrency: u32,
    opts: &LoadOptions,
) -> Result<LoadResult> {
    let in_flight = max_concurrency as usize * opts.in_flight_per_poll.max(1);
    let mut result = LoadResult {
        label: target.name.clone(),
        event: event.name.clone(),
        event_bytes: event.payload.len(),
        max_concurrency,
        events: 0,
        wall_s: 0.0,
        events_per_s: 0.0,
        latency_ms: None,
        cpu_ms_per_event: 0.0,
        peak_rss_mb: 0.0,
        polls_open_max: 0,
        errors: 0,
        in_flight,
        warmup: opts.warmup,
        emulated: false,
        mismatches: Vec::new(),
        notes: Vec::new(),
    };
    let cfg = spawn_config(target, max_concurrency, opts);
    let api = Arc::new(
        RuntimeApi::start_with(ApiConfig {
            function_name: cfg.function_name.clone(),
            region: cfg.region.clone(),
            ..ApiConfig::default()
        })
        .await?,
    );
    let mut process = FunctionProcess::spawn(&cfg, api.addr())?;
    result.emulated = process.emulated();

    let ready = tokio::select! {
        ready = api.wait_ready(opts.init_timeout) => ready,
        exit = process.exited() => {
            result.notes.push(format!("exited during init: {exit}"));
            return Ok(failed(result, opts, &mut process).await);
        }
    };
    match ready {
        ApiInit::Ready { .. } => {}
        ApiInit::InitError { error, .. } => {
            result.notes.push(format!("init error: {error}"));
            return Ok(failed(result, opts, &mut process).await);
        }
        ApiInit::Timeout => {
            result.notes.push(format!(
                "no GET /next within the init timeout ({:?})",
                opts.init_timeout
            ));
            return Ok(failed(result, opts, &mut process).await);
        }
    }
    let opened = api
        .wait_polls_open(u64::from(max_concurrency), opts.poll_timeout)
        .await;
    if opened < u64::from(max_concurrency) {
        result.notes.push(format!(
            "opened {opened} of {max_concurrency} polls within {:?}",
            opts.poll_timeout
        ));
    }

    // The lone first invocation gives the answer every later one must repeat.
    let lone = Budget {
        count: 1,
        in_flight: 1,
        max_time: None,
    };
    let first = drive(&api, &process, &event.payload, lone, opts.timeout).await;
    let Some(reference) = first.invocations.first().map(|i| i.outcome.clone()) else {
        result.notes.push(crash_note(&first.crashed));
        return Ok(failed(result, opts, &mut process).await);
    };
    let expectation = Expectation {
        fails: opts.expects_failure(&event.name),
        reference,
        volatile: opts.volatile_fields.clone(),
    };
    if let Some(wrong) = expectation.judge(&expectation.reference) {
        result.notes.push(format!("first answer: {wrong}"));
    }
    let warmup = Budget {
        count: opts.warmup.saturating_sub(1),
        in_flight,
        max_time: opts.max_window,
    };
    let warm = drive(&api, &process, &event.payload, warmup, opts.timeout).await;
    if warm.crashed.is_some() || warm.invocations.len() < warm.released {
        result
            .notes
            .push(format!("during warm-up: {}", crash_note(&warm.crashed)));
        return Ok(failed(result, opts, &mut process).await);
    }

    let cpu_before = group_cpu_time(process.pid());
    let started = Instant::now();
    let budget = Budget {
        count: opts.events,
        in_flight,
        max_time: opts.max_window,
    };
    let window = drive(&api, &process, &event.payload, budget, opts.timeout).await;
    let wall = started.elapsed();
    let cpu_after = group_cpu_time(process.pid());

    let mut tally = Tally::default();
    for (i, invocation) in window.invocations.iter().enumerate() {
        tally.add(i + 1, &expectation, &invocation.outcome);
    }
    // Events never answered (the process died, or one timed out) are errors too.
    tally.errors += window.released - window.invocations.len();
    if window.crashed.is_some() {
        result.notes.push(crash_note(&window.crashed));
    }
    let figures = Window {
        latencies: window.invocations.iter().map(|i| i.duration).collect(),
        wall,
        cpu: match (cpu_before, cpu_after) {
            (Some(before), Some(after)) => after.saturating_sub(before),
            _ => Duration::ZERO,
        },
    }
    .figures();
    if cpu_after.is_none() {
        result
            .notes
            .push("CPU time unreadable (process gone)".into());
    }
    result.events = figures.events;
    result.wall_s = figures.wall_s;
    result.events_per_s = figures.events_per_s;
    result.latency_ms = figures.latency_ms;
    result.cpu_ms_per_event = figures.cpu_ms_per_event;
    result.errors = tally.errors;
    result.mismatches = tally.mismatches;
    result.polls_open_max = api.stats().polls_open_max;
    result.peak_rss_mb = rss_mb(process.peak_rss_bytes());
    process.shutdown().await;
    Ok(result)
}

fn spawn_config(target: &Target, max_concurrency: u32, opts: &LoadOptions) -> SpawnConfig {
    let mut env = opts.env.clone();
    env.push((MAX_CONCURRENCY_VAR.to_owned(), max_concurrency.to_string()));
    SpawnConfig {
        binary: target.binary.clone(),
        wrapper: opts.wrapper.clone(),
        env,
        memory_mb: opts.memory_mb,
        echo_logs: opts.echo_logs,
        ..SpawnConfig::default()
    }
}

/// A result whose window never ran: every event counted as an error, with the log's last words.
async fn failed(
    mut result: LoadResult,
    opts: &LoadOptions,
    process: &mut FunctionProcess,
) -> LoadResult {
    process.shutdown().await;
    result.errors = opts.events;
    let tail: Vec<String> = process
        .log_tail(3)
        .into_iter()
        .map(|line| line.text)
        .collect();
    if !tail.is_empty() {
        result
            .notes
            .push(format!("last log lines: {}", tail.join(" | ")));
    }
    result
}

fn crash_note(crashed: &Option<ExitInfo>) -> String {
    match crashed {
        Some(exit) => format!("the process {exit}"),
        None => "invocations went unanswered".to_owned(),
    }
}

fn rss_mb(bytes: Option<u64>) -> f64 {
    bytes.map_or(0.0, |b| b as f64 / (1024.0 * 1024.0))
}

/// How many invocations [`drive`] releases, how many at once, for how long.
#[derive(Debug, Clone, Copy)]
struct Budget {
    count: usize,
    in_flight: usize,
    /// No event is released after this long (those in flight are still awaited).
    max_time: Option<Duration>,
}

/// What [`drive`] got back.
struct Driven {
    released: usize,
    /// In the order the answers came.
    invocations: Vec<Invocation>,
    /// The exit, if the process died before every answer was in.
    crashed: Option<ExitInfo>,
}

/// Releases `budget.count` invocations of `payload`, never more than `budget.in_flight`
/// outstanding: each answer releases the next event at once, so the function always has work
/// queued for every worker that asks. Stops early if the process exits or an invocation times
/// out, and stops releasing once `budget.max_time` has passed.
async fn drive(
    api: &Arc<RuntimeApi>,
    process: &FunctionProcess,
    payload: &Bytes,
    budget: Budget,
    timeout: Duration,
) -> Driven {
    let Budget {
        mut count,
        in_flight,
        max_time,
    } = budget;
    let stop_releasing = max_time.map(|t| Instant::now() + t);
    let mut running = JoinSet::new();
    let mut released = 0;
    let mut invocations = Vec::with_capacity(count);
    let release = |running: &mut JoinSet<Invocation>| {
        let api = api.clone();
        let payload = payload.clone();
        running.spawn(async move { api.invoke(payload, timeout).await });
    };
    while released < count.min(in_flight) {
        release(&mut running);
        released += 1;
    }
    while !running.is_empty() {
        tokio::select! {
            biased;
            joined = running.join_next() => {
                let Some(Ok(invocation)) = joined else { continue };
                let timed_out = invocation.outcome == Outcome::Timeout;
                invocations.push(invocation);
                if timed_out {
                    // Lambda would reset the environment; under load that ends the window.
                    running.abort_all();
                    break;
                }
                if stop_releasing.is_some_and(|at| Instant::now() >= at) {
                    count = released;
                }
                if released < count {
                    release(&mut running);
                    released += 1;
                }
            }
            exit = process.exited() => {
                running.abort_all();
                return Driven { released, invocations, crashed: Some(exit) };
            }
        }
    }
    Driven {
        released,
        invocations,
        crashed: None,
    }
}
