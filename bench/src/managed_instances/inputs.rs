//! The measured figures of each contender, from one of three places:
//!
//! - a `lambda-bench load` JSON document: per (label, event, concurrency N) row,
//!   `cpu_ms_per_event` and `peak_rss_mb` size LMI; the per-request duration is the p50
//!   latency of the same label and event at N = 1 (one invocation at a time, as on
//!   per-request Lambda), or the CPU-ms per event when N = 1 was not measured;
//! - a `run --export-json` document: per target, the warm Duration mean as CPU-ms per event (a
//!   single-threaded, CPU-bound function: its time is CPU time), the highest Max Memory Used as
//!   peak RSS, N = 1; per-request Lambda priced from every sample as `price` does (Init
//!   included on cold starts). Given with a load document, it prices per-request Lambda for the
//!   labels it has, the load document sizes LMI;
//! - `--contender LABEL:cpu-ms=X,rss-mb=Y[,n=N][,duration-ms=D][,init-ms=I]`.

use serde::{Deserialize, Serialize};

use crate::benchmark::{RunResults, TargetResult};
use crate::error::{Error, Result};
use crate::tuning::cost::Pricing;
use crate::tuning::{model, Judging, SizeFigures};

/// `lambda-bench load`'s document: only `results` is read.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadReport {
    pub results: Vec<LoadRow>,
}

/// One (bootstrap, event, N) row of a load run; fields not used here are optional, unknown
/// fields ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct LoadRow {
    pub label: String,
    pub event: String,
    pub event_bytes: Option<u64>,
    pub max_concurrency: u32,
    pub events: Option<u64>,
    pub wall_s: Option<f64>,
    pub events_per_s: Option<f64>,
    /// Null when no invocation was answered.
    pub latency_ms: Option<Latency>,
    pub cpu_ms_per_event: f64,
    pub peak_rss_mb: f64,
    pub polls_open_max: Option<u64>,
    #[serde(default)]
    pub errors: u64,
    /// True when the bootstrap ran under an emulator (its CPU time is the emulator's).
    #[serde(default)]
    pub emulated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p99: Option<f64>,
}

/// How per-request Lambda is priced for a contender.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PerRequest {
    pub memory_mb: u64,
    /// Mean Billed Duration of a warm invocation at `memory_mb`.
    pub warm_billed_ms: f64,
    /// Mean Billed Duration of a cold start (Init included); none when no Init was measured.
    pub cold_billed_ms: Option<f64>,
    /// $ per million requests at the cold-start share (a missing cold figure: priced as warm).
    pub per_million: f64,
    /// Where the durations come from.
    pub from: String,
}

/// One contender's figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contender {
    pub label: String,
    /// Where the LMI figures come from.
    pub from: String,
    /// Concurrency N the CPU and memory figures were measured at.
    pub max_concurrency: u32,
    pub cpu_ms_per_event: f64,
    pub peak_rss_mb: f64,
    /// Errors in the measured row (load documents).
    pub errors: u64,
    /// Measured under an emulator: CPU time is the emulator's, not the function's.
    #[serde(default)]
    pub emulated: bool,
    pub per_request: PerRequest,
}

/// Per-request Lambda's side: the size and prices it is costed at.
#[derive(Debug, Clone)]
pub struct PerRequestPricing {
    pub memory_mb: u64,
    pub pricing: Pricing,
    /// 0..=1.
    pub cold_share: f64,
}

impl PerRequestPricing {
    /// From durations measured at full speed on one core: stretched by Lambda's CPU share at
    /// the size ([`model::slowdown`]), rounded up to the next millisecond.
    fn price_durations(&self, warm_ms: f64, init_ms: Option<f64>, from: String) -> PerRequest {
        let k = model::slowdown(self.memory_mb);
        let warm_billed_ms = (warm_ms * k).ceil().max(1.0);
        let cold_billed_ms = init_ms.map(|init| ((init + warm_ms) * k).ceil().max(1.0));
        self.priced(warm_billed_ms, cold_billed_ms, from)
    }

    /// From a run's samples, as `price` models them.
    fn price_run(&self, target: &TargetResult, from: String) -> Result<PerRequest> {
        let judging = Judging {
            pricing: self.pricing.clone(),
            cold_share: self.cold_share,
            headroom: 0.2,
            balance_weight: 0.5,
        };
        let figures = SizeFigures::of(&model::at_memory(target, self.memory_mb), &judging);
        let warm = figures
            .warm_billed_ms
            .or(figures.cold_billed_ms)
            .ok_or_else(|| Error::usage(format!("{from}: no answered invocation to price")))?;
        Ok(self.priced(warm, figures.cold_billed_ms, from))
    }

    fn priced(&self, warm_billed_ms: f64, cold_billed_ms: Option<f64>, from: String) -> PerRequest {
        PerRequest {
            memory_mb: self.memory_mb,
            warm_billed_ms,
            cold_billed_ms,
            per_million: self.pricing.per_million(
                self.memory_mb,
                warm_billed_ms,
                cold_billed_ms.unwrap_or(warm_billed_ms),
                self.cold_share,
            ),
            from,
        }
    }
}

/// Which rows of a load document to use.
#[derive(Debug, Clone, Default)]
pub struct LoadSelection {
    /// The event (file name, with or without `.json`); needed when there are several.
    pub event: Option<String>,
    /// The concurrency N; default: the highest N measured for every label.
    pub concurrency: Option<u32>,
}

/// Contenders of a load document, per-request durations from `run` where it has the label.
pub fn from_load(
    doc: &LoadReport,
    doc_name: &str,
    selection: &LoadSelection,
    run: Option<(&RunResults, &str)>,
    lambda: &PerRequestPricing,
) -> Result<Vec<Contender>> {
    let event = pick_event(doc, doc_name, selection.event.as_deref())?;
    let rows: Vec<&LoadRow> = doc.results.iter().filter(|r| r.event == event).collect();
    let mut labels: Vec<&str> = Vec::new();
    for r in &rows {
        if !labels.contains(&r.label.as_str()) {
            labels.push(&r.label);
        }
    }
    let n = match selection.concurrency {
        Some(n) => n,
        None => labels
            .iter()
            .map(|l| {
                rows.iter()
                    .filter(|r| r.label == *l)
                    .map(|r| r.max_concurrency)
                    .max()
                    .unwrap_or(1)
            })
            .min()
            .unwrap_or(1),
    };
    labels
        .iter()
        .map(|label| {
            let at = |n: u32| rows.iter().find(|r| r.label == *label && r.max_concurrency == n);
            let row = at(n).ok_or_else(|| {
                let measured: Vec<String> = rows
                    .iter()
                    .filter(|r| r.label == *label)
                    .map(|r| r.max_concurrency.to_string())
                    .collect();
                Error::usage(format!(
                    "{doc_name}: {label} on {event} was not measured at N = {n} (measured: {}); pick one with --concurrency",
                    measured.join(", ")
                ))
            })?;
            check_row(row, doc_name)?;
            let from = format!("{doc_name}: {event} at N = {n}");
            let run_target = run.and_then(|(run, name)| {
                run.targets.iter().find(|t| t.name == *label).map(|t| (t, name))
            });
            let single = at(1).and_then(|r| r.latency_ms.as_ref());
            let per_request = match (run_target, single) {
                (Some((target, run_name)), _) => lambda.price_run(target, format!("{run_name}: {label}"))?,
                (None, Some(single)) => lambda.price_durations(
                    single.p50,
                    None,
                    format!("{doc_name}: latency p50 at N = 1, no Init measured"),
                ),
                (None, None) => lambda.price_durations(
                    row.cpu_ms_per_event,
                    None,
                    format!("{doc_name}: CPU-ms per event (no latency measured at N = 1), no Init measured"),
                ),
            };
            Ok(Contender {
                label: (*label).to_owned(),
                from,
                max_concurrency: n,
                cpu_ms_per_event: row.cpu_ms_per_event,
                peak_rss_mb: row.peak_rss_mb,
                errors: row.errors,
                emulated: row.emulated,
                per_request,
            })
        })
        .collect()
}

fn pick_event(doc: &LoadReport, doc_name: &str, wanted: Option<&str>) -> Result<String> {
    let mut events: Vec<&str> = Vec::new();
    for r in &doc.results {
        if !events.contains(&r.event.as_str()) {
            events.push(&r.event);
        }
    }
    let strip = |e: &str| e.strip_suffix(".json").unwrap_or(e).to_owned();
    match (wanted, events.as_slice()) {
        (_, []) => Err(Error::usage(format!("{doc_name}: no results"))),
        (None, [only]) => Ok((*only).to_owned()),
        (None, _) => Err(Error::usage(format!(
            "{doc_name} has several events ({}): pick one with --event",
            events.join(", ")
        ))),
        (Some(w), _) => events
            .iter()
            .find(|e| **e == w || strip(e) == strip(w))
            .map(|e| (*e).to_owned())
            .ok_or_else(|| {
                Error::usage(format!(
                    "--event {w}: not in {doc_name} ({})",
                    events.join(", ")
                ))
            }),
    }
}

fn check_row(row: &LoadRow, doc_name: &str) -> Result<()> {
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !(ok(row.cpu_ms_per_event) && row.cpu_ms_per_event > 0.0) {
        return Err(Error::usage(format!(
            "{doc_name}: {} on {} at N = {}: cpu_ms_per_event {} is not a positive number",
            row.label, row.event, row.max_concurrency, row.cpu_ms_per_event
        )));
    }
    if !ok(row.peak_rss_mb) || row.latency_ms.as_ref().is_some_and(|l| !ok(l.p50)) {
        return Err(Error::usage(format!(
            "{doc_name}: {} on {} at N = {}: peak_rss_mb and latency_ms.p50 must be numbers ≥ 0",
            row.label, row.event, row.max_concurrency
        )));
    }
    Ok(())
}

/// Contenders of a run export alone: N = 1, CPU time = warm Duration.
pub fn from_run(
    run: &RunResults,
    run_name: &str,
    lambda: &PerRequestPricing,
) -> Result<Vec<Contender>> {
    if run.targets.is_empty() {
        return Err(Error::usage(format!("{run_name}: no targets")));
    }
    run.targets
        .iter()
        .map(|t| {
            let warm = t.summaries.warm_duration_ms.ok_or_else(|| {
                Error::usage(format!("{run_name}: {} has no warm Duration", t.name))
            })?;
            let rss = [t.summaries.warm_memory_mb, t.summaries.cold_memory_mb]
                .into_iter()
                .flatten()
                .map(|s| s.max)
                .fold(0.0, f64::max);
            Ok(Contender {
                label: t.name.clone(),
                from: format!("{run_name}: warm Duration mean as CPU-ms, N = 1"),
                max_concurrency: 1,
                cpu_ms_per_event: warm.mean.max(f64::MIN_POSITIVE),
                peak_rss_mb: rss,
                errors: t.failures().count() as u64,
                emulated: t.emulated,
                per_request: lambda.price_run(t, format!("{run_name}: {}", t.name))?,
            })
        })
        .collect()
}

/// `LABEL:cpu-ms=X,rss-mb=Y[,n=N][,duration-ms=D][,init-ms=I]`.
pub fn from_spec(spec: &str, lambda: &PerRequestPricing) -> Result<Contender> {
    let bad = |why: String| Error::usage(format!("--contender {spec:?}: {why}"));
    let (label, fields) = spec
        .split_once(':')
        .filter(|(l, _)| !l.is_empty())
        .ok_or_else(|| {
            bad("expected LABEL:cpu-ms=X,rss-mb=Y[,n=N][,duration-ms=D][,init-ms=I]".into())
        })?;
    let (mut cpu, mut rss, mut n, mut duration, mut init) = (None, None, 1u32, None, None);
    for field in fields.split(',') {
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| bad(format!("{field:?} is not KEY=VALUE")))?;
        let number = || -> Result<f64> {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| bad(format!("{key}={value}: not a number ≥ 0")))
        };
        match key.trim() {
            "cpu-ms" => cpu = Some(number()?),
            "rss-mb" => rss = Some(number()?),
            "duration-ms" => duration = Some(number()?),
            "init-ms" => init = Some(number()?),
            "n" => {
                n = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| bad(format!("n={value}: a concurrency ≥ 1")))?
            }
            other => {
                return Err(bad(format!(
                    "unknown key {other:?} (cpu-ms, rss-mb, n, duration-ms, init-ms)"
                )))
            }
        }
    }
    let cpu = cpu
        .filter(|c| *c > 0.0)
        .ok_or_else(|| bad("cpu-ms=X (> 0) is required".into()))?;
    let rss = rss.ok_or_else(|| bad("rss-mb=Y is required".into()))?;
    let from = "given on the command line".to_owned();
    let per_request = lambda.price_durations(
        duration.unwrap_or(cpu),
        init,
        if duration.is_some() {
            from.clone()
        } else {
            "CPU-ms per event as the duration (given on the command line)".into()
        },
    );
    Ok(Contender {
        label: label.to_owned(),
        from,
        max_concurrency: n,
        cpu_ms_per_event: cpu,
        peak_rss_mb: rss,
        errors: 0,
        emulated: false,
        per_request,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Kind, Mode, Sample};

    fn lambda(memory_mb: u64) -> PerRequestPricing {
        PerRequestPricing {
            memory_mb,
            pricing: Pricing::defaults("arm64"),
            cold_share: 0.01,
        }
    }

    const DOC: &str = r#"{"machine":"x","results":[
      {"label":"ours","event":"seed-3tx.json","event_bytes":345,"max_concurrency":1,"events":2000,"wall_s":1.0,"events_per_s":2000.0,"latency_ms":{"p50":0.4,"p99":0.9},"cpu_ms_per_event":0.12,"peak_rss_mb":5.0,"polls_open_max":1,"errors":0,"extra":true},
      {"label":"ours","event":"seed-3tx.json","event_bytes":345,"max_concurrency":2,"events":2000,"wall_s":1.2,"events_per_s":1650.0,"latency_ms":{"p50":0.5,"p99":1.1},"cpu_ms_per_event":0.11,"peak_rss_mb":6.2,"polls_open_max":2,"errors":0},
      {"label":"go","event":"seed-3tx.json","event_bytes":345,"max_concurrency":2,"events":2000,"wall_s":2.0,"events_per_s":1000.0,"latency_ms":{"p50":1.5,"p99":3.0},"cpu_ms_per_event":0.4,"peak_rss_mb":14.0,"polls_open_max":2,"errors":3},
      {"label":"ours","event":"p100k.json","event_bytes":9000000,"max_concurrency":2,"events":20,"wall_s":1.0,"events_per_s":20.0,"latency_ms":{"p50":90.0,"p99":99.0},"cpu_ms_per_event":95.0,"peak_rss_mb":60.0,"polls_open_max":2,"errors":0}
    ]}"#;

    fn doc() -> LoadReport {
        serde_json::from_str(DOC).unwrap()
    }

    #[test]
    fn load_rows_at_the_common_concurrency() {
        let sel = LoadSelection {
            event: Some("seed-3tx".into()),
            concurrency: None,
        };
        let c = from_load(&doc(), "load.json", &sel, None, &lambda(1769)).unwrap();
        assert_eq!(c.len(), 2);
        let (ours, go) = (&c[0], &c[1]);
        // ours has N = 1 and 2, go only 2: the common highest is 2.
        assert_eq!((ours.label.as_str(), ours.max_concurrency), ("ours", 2));
        assert_eq!((ours.cpu_ms_per_event, ours.peak_rss_mb), (0.11, 6.2));
        // Per request: ours's p50 at N = 1 (0.4 ms → 1 ms billed at a full vCPU); go has no
        // N = 1 row: its CPU-ms.
        assert_eq!(ours.per_request.warm_billed_ms, 1.0);
        assert!(ours.per_request.from.contains("latency p50 at N = 1"));
        assert!(go.per_request.from.contains("no latency measured at N = 1"));
        assert_eq!(go.errors, 3);
        assert_eq!(ours.per_request.cold_billed_ms, None);
        // 1769 MB for 1 ms: 1.727 GB-ms; no cold figure, so priced as warm.
        let expected = 1e6 * Pricing::defaults("arm64").invocation(1.0, 1769);
        assert!((ours.per_request.per_million - expected).abs() < 1e-12);
    }

    #[test]
    fn load_selection_errors_name_what_exists() {
        let err = from_load(
            &doc(),
            "load.json",
            &LoadSelection::default(),
            None,
            &lambda(256),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "load.json has several events (seed-3tx.json, p100k.json): pick one with --event"
        );
        let sel = LoadSelection {
            event: Some("seed-3tx.json".into()),
            concurrency: Some(1),
        };
        let err = from_load(&doc(), "load.json", &sel, None, &lambda(256))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("go on seed-3tx.json was not measured at N = 1 (measured: 2)"),
            "{err}"
        );
        let sel = LoadSelection {
            event: Some("nope".into()),
            concurrency: None,
        };
        let err = from_load(&doc(), "load.json", &sel, None, &lambda(256))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("--event nope: not in load.json"), "{err}");
        let bad: LoadReport = serde_json::from_str(
            r#"{"results":[{"label":"x","event":"e","max_concurrency":1,"latency_ms":{"p50":1},"cpu_ms_per_event":0,"peak_rss_mb":1}]}"#,
        )
        .unwrap();
        let err = from_load(
            &bad,
            "l.json",
            &LoadSelection::default(),
            None,
            &lambda(256),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("cpu_ms_per_event 0 is not a positive number"),
            "{err}"
        );
        assert!(serde_json::from_str::<LoadReport>(r#"{"results":[{"label":"x"}]}"#).is_err());
        // A row nothing answered has no latency: its N = 1 duration falls back to CPU-ms.
        let unanswered: LoadReport = serde_json::from_str(
            r#"{"results":[{"label":"x","event":"e","max_concurrency":1,"latency_ms":null,"cpu_ms_per_event":2.5,"peak_rss_mb":1,"emulated":true}]}"#,
        )
        .unwrap();
        let c = from_load(
            &unanswered,
            "l.json",
            &LoadSelection::default(),
            None,
            &lambda(1769),
        )
        .unwrap();
        assert_eq!(c[0].per_request.warm_billed_ms, 3.0);
        assert!(c[0]
            .per_request
            .from
            .contains("no latency measured at N = 1"));
        assert!(c[0].emulated);
    }

    fn run() -> RunResults {
        let mut t = crate::benchmark::TargetResult::new("ours".into(), "bootstrap".into(), 128);
        t.samples.push(Sample {
            init_ms: Some(3.0),
            max_memory_bytes: Some(4 << 20),
            ..Sample::ok(Kind::Cold, None, 0.2)
        });
        for d in [0.1, 0.1, 0.1] {
            t.samples.push(Sample {
                max_memory_bytes: Some(5 << 20),
                ..Sample::ok(Kind::Warm, None, d)
            });
        }
        t.summarize();
        RunResults::new(Mode::Local, vec![t])
    }

    #[test]
    fn a_run_export_prices_per_request_lambda_like_price_does() {
        let c = from_run(&run(), "run.json", &lambda(256)).unwrap();
        let ours = &c[0];
        assert_eq!((ours.max_concurrency, ours.peak_rss_mb), (1, 5.0));
        assert!((ours.cpu_ms_per_event - 0.1).abs() < 1e-12);
        // At 256 MB (×6.91): warm 0.69 → 1 ms; cold (3 + 0.2) × 6.91 = 22.1 → 23 ms.
        assert_eq!(ours.per_request.warm_billed_ms, 1.0);
        assert_eq!(ours.per_request.cold_billed_ms, Some(23.0));
        let p = Pricing::defaults("arm64");
        let expected = p.per_million(256, 1.0, 23.0, 0.01);
        assert!((ours.per_request.per_million - expected).abs() < 1e-12);
        // With a load document, the run prices the labels it has.
        let sel = LoadSelection {
            event: Some("seed-3tx.json".into()),
            concurrency: Some(2),
        };
        let both = from_load(
            &doc(),
            "load.json",
            &sel,
            Some((&run(), "run.json")),
            &lambda(256),
        )
        .unwrap();
        assert_eq!(both[0].per_request.cold_billed_ms, Some(23.0));
        assert_eq!(both[0].cpu_ms_per_event, 0.11, "LMI from the load document");
        assert!(
            both[1].per_request.from.starts_with("load.json"),
            "go is not in the run"
        );
    }

    #[test]
    fn explicit_specs() {
        let c = from_spec(
            "go:cpu-ms=0.4,rss-mb=14,n=4,duration-ms=0.5,init-ms=40",
            &lambda(1769),
        )
        .unwrap();
        assert_eq!(
            (c.label.as_str(), c.max_concurrency, c.cpu_ms_per_event),
            ("go", 4, 0.4)
        );
        assert_eq!(c.per_request.warm_billed_ms, 1.0);
        assert_eq!(c.per_request.cold_billed_ms, Some(41.0));
        let c = from_spec("x:cpu-ms=2.5,rss-mb=3", &lambda(1769)).unwrap();
        assert_eq!((c.max_concurrency, c.per_request.warm_billed_ms), (1, 3.0));
        for (spec, message) in [
            ("cpu-ms=1", "expected LABEL:"),
            ("x:cpu-ms=1", "rss-mb=Y is required"),
            ("x:rss-mb=1", "cpu-ms=X (> 0) is required"),
            ("x:cpu-ms=a,rss-mb=1", "cpu-ms=a: not a number"),
            ("x:cpu-ms=1,rss-mb=1,n=0", "n=0: a concurrency ≥ 1"),
            ("x:cpu-ms=1,rss-mb=1,speed=3", "unknown key \"speed\""),
            ("x:cpu-ms", "is not KEY=VALUE"),
        ] {
            let err = from_spec(spec, &lambda(256)).unwrap_err().to_string();
            assert!(err.contains(message), "{spec}: {err}");
        }
    }
}
