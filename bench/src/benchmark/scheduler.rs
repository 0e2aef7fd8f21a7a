//! Orders the runs of one or several targets: cold runs in rounds, then warm invocations in
//! rounds, each round visiting every target in a rotated order, so slow drifts of the machine
//! (thermal, other load) hit every target alike. This is what makes `compare` fair.

use bytes::Bytes;

use super::executor::{cold_run, spawn_config, Event, LocalOptions, Target, WarmSession};
use super::result::{Sample, Status, TargetResult};
use crate::error::Result;

/// Receives progress; the CLI draws a bar and prints REPORT lines with it.
pub trait Progress {
    /// A phase starts with `total` steps.
    fn phase(&self, _name: &str, _total: u64) {}
    /// One sample was taken for `target`.
    fn sample(&self, _target: &TargetResult, _sample: &Sample) {}
    /// Something the user should know (a target stopped early, ...).
    fn warn(&self, _message: &str) {}
    /// What is being done, when it is not a sample (a sweep's configuration changes).
    fn note(&self, _message: &str) {}
    fn finish(&self) {}
}

/// Progress that shows nothing.
pub struct Silent;
impl Progress for Silent {}

/// Answer text kept per event.
const ANSWER_CHARS: usize = 400;

/// Runs every target: `cold_runs` rounds of cold starts, then `warm_runs` rounds of warm
/// invocations, cycling through `events`. `Err` only when a binary cannot be started at all.
pub async fn run_local(
    targets: &[Target],
    events: &[Event],
    opts: &LocalOptions,
    progress: &dyn Progress,
) -> Result<Vec<TargetResult>> {
    assert!(!events.is_empty(), "at least one event");
    let mut results: Vec<TargetResult> = targets
        .iter()
        .map(|t| {
            let mut r = TargetResult::new(
                t.name.clone(),
                t.binary.display().to_string(),
                u64::from(opts.memory_mb),
            );
            r.size_bytes = std::fs::metadata(&t.binary).ok().map(|m| m.len());
            r
        })
        .collect();
    let n = targets.len();

    // Cold: a fresh process per invocation.
    progress.phase("cold", (opts.cold_runs * n) as u64);
    let mut init_failures = vec![0usize; n];
    for round in 0..opts.cold_runs {
        let event = &events[round % events.len()];
        for i in rotated(round, n, events.len()) {
            if !results[i].aborted.is_empty() {
                continue;
            }
            let (sample, body) = cold_run(&targets[i], opts, event).await?;
            init_failures[i] = match sample.status {
                Status::InitError | Status::InitCrash | Status::InitTimeout => init_failures[i] + 1,
                _ => 0,
            };
            record(&mut results[i], sample, body, progress);
            if init_failures[i] >= opts.max_init_failures {
                let reason = format!(
                    "cold runs stopped: init failed {} times in a row",
                    init_failures[i]
                );
                progress.warn(&format!("{}: {reason}", results[i].name));
                results[i].aborted.push(reason);
            }
        }
    }

    // Warm: one long-lived process per target, invoked in rounds.
    if opts.warm_runs > 0 {
        progress.phase("warm", (opts.warm_runs * n) as u64);
        let mut sessions = Vec::with_capacity(n);
        for (i, target) in targets.iter().enumerate() {
            let session = WarmSession::start(target, opts, &events[0]).await?;
            results[i].argv = session.argv.clone();
            results[i].emulated = session.emulated;
            sessions.push(session);
        }
        for round in 0..opts.warm_runs {
            let event = &events[round % events.len()];
            for i in rotated(round, n, events.len()) {
                if let Some((sample, body)) = sessions[i].invoke(event).await? {
                    record(&mut results[i], sample, body, progress);
                }
            }
        }
        for (i, session) in sessions.into_iter().enumerate() {
            if let Some(reason) = &session.aborted {
                progress.warn(&format!("{}: {reason}", results[i].name));
                results[i].aborted.push(reason.clone());
            }
            session.shutdown().await;
        }
    } else {
        // Still record how the binary is run.
        for (i, target) in targets.iter().enumerate() {
            let cfg = spawn_config(target, opts);
            if let Ok(argv) = crate::process::wrapper_argv(&cfg) {
                results[i].emulated = argv.len() > 1;
                results[i].argv = argv;
            }
        }
    }
    progress.finish();
    for r in &mut results {
        r.summarize();
    }
    Ok(results)
}

fn record(result: &mut TargetResult, sample: Sample, body: Option<Bytes>, progress: &dyn Progress) {
    if let Some(body) = &body {
        let status = sample.status;
        result.note_answer(&sample.event, status, || {
            cut(String::from_utf8_lossy(body).trim(), ANSWER_CHARS)
        });
    } else {
        let text = sample.detail.clone().unwrap_or_default();
        result.note_answer(&sample.event, sample.status, || text);
    }
    result.samples.push(sample);
    progress.sample(result, result.samples.last().expect("just pushed"));
}

/// Target indices for a round. The starting target moves on once per cycle through the
/// events, not every round: were the two periods the same, a target would always go first with
/// the same event, and the cost of going first or second (the other process is still busy
/// after its answer) would pass for a difference between targets.
fn rotated(round: usize, n: usize, events: usize) -> impl Iterator<Item = usize> {
    let shift = round / events.max(1);
    (0..n).map(move |k| (shift + k) % n)
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_visits_each_target_once_per_round() {
        assert_eq!(rotated(0, 3, 1).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(rotated(1, 3, 1).collect::<Vec<_>>(), [1, 2, 0]);
        assert_eq!(rotated(5, 1, 4).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn every_target_goes_first_equally_often_with_every_event() {
        for (targets, events) in [(2, 2), (3, 2), (2, 3), (3, 3), (2, 8)] {
            let rounds = targets * events * 4;
            let mut first = vec![vec![0usize; events]; targets];
            for round in 0..rounds {
                let leader = rotated(round, targets, events).next().unwrap();
                first[leader][round % events] += 1;
            }
            for row in &first {
                assert!(
                    row.iter().all(|&c| c == 4),
                    "{targets} targets, {events} events: {first:?}"
                );
            }
        }
    }

    #[test]
    fn cut_marks_truncation() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("abcdef", 3), "abc… (6 bytes)");
    }
}
