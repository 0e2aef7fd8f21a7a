//! Lambda Managed Instances (LMI) against per-request Lambda: what a month costs at a
//! sustained request rate for each measured contender, and the rate where LMI gets cheaper.
//!
//! LMI bills the capacity provider's EC2 instances at their on-demand price, plus a 15 %
//! management fee on that price, plus $0.20 per million requests; no GB-seconds. A published
//! version starts 3 execution environments on 3 instances (one per Availability Zone), so LMI
//! has a floor cost. Per-request Lambda bills GB-seconds and requests ([`crate::tuning::cost`]).
//!
//! - [`inputs`]: the contenders' figures (a `load` document, a `run` export, or flags);
//! - [`instances`]: instance types, sizes and default prices with their sources;
//! - [`capacity`]: environments and instances for a rate;
//! - [`cost`]: a month on each side, and the break-even rate;
//! - [`render`]: the terminal table and Markdown; JSON is the [`CostComparison`] document;
//! - [`plot`] (feature `plot`): $ per month against the rate, log axes.
//!
//! Nothing here talks to AWS: every figure is modeled from local measurements.

pub mod capacity;
pub mod cost;
pub mod inputs;
pub mod instances;
#[cfg(feature = "plot")]
pub mod plot;
pub mod render;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::tuning::cost::Pricing;
use capacity::{Environment, Sizing};
use cost::{BreakEven, LmiMonth, LmiPricing};
use inputs::Contender;

/// Everything the comparison is priced with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub region: String,
    pub lmi: LmiPricing,
    pub sizing: Sizing,
    /// Per-request Lambda's prices and size.
    pub lambda_pricing: Pricing,
    pub lambda_memory_mb: u64,
    /// Share of per-request invocations that are cold starts, 0..=1.
    pub cold_share: f64,
    /// Requests per second the table shows.
    pub rates: Vec<f64>,
}

/// One rate, both models.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateCosts {
    /// Requests per second, sustained all month.
    pub rate: f64,
    pub requests_per_month: f64,
    pub environments: u64,
    pub lmi: LmiMonth,
    pub lmi_per_million: Option<f64>,
    pub lambda_per_month: f64,
    pub lambda_per_million: f64,
}

impl RateCosts {
    /// `LMI`, `Lambda`, or `=`.
    pub fn cheaper(&self) -> &'static str {
        match self.lmi.total.partial_cmp(&self.lambda_per_month) {
            Some(std::cmp::Ordering::Less) => "LMI",
            Some(std::cmp::Ordering::Greater) => "Lambda",
            _ => "=",
        }
    }
}

/// One contender priced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContenderCosts {
    pub contender: Contender,
    pub environment: Environment,
    /// $ per month of the minimum fleet, before requests.
    pub floor_per_month: f64,
    pub rates: Vec<RateCosts>,
    pub break_even: Option<BreakEven>,
}

impl ContenderCosts {
    /// Both months at `rate`.
    pub fn at(&self, rate: f64, settings: &Settings) -> RateCosts {
        let requests = cost::requests_per_month(rate);
        let lmi = settings.lmi.month(
            self.environment.instances_at(rate, &settings.sizing),
            requests,
        );
        let lambda_per_month = requests * self.contender.per_request.per_million / 1e6;
        RateCosts {
            rate,
            requests_per_month: requests,
            environments: self.environment.environments_at(rate),
            lmi_per_million: cost::per_million(lmi.total, rate),
            lmi,
            lambda_per_month,
            lambda_per_million: self.contender.per_request.per_million,
        }
    }
}

/// The whole comparison: the JSON document `--export-json` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CostComparison {
    pub tool: String,
    pub version: String,
    pub title: String,
    pub settings: Settings,
    pub contenders: Vec<ContenderCosts>,
    /// What the figures assume and leave out.
    pub notes: Vec<String>,
}

/// Prices every contender at every rate and solves the break-even.
pub fn compare(
    title: String,
    contenders: Vec<Contender>,
    settings: Settings,
) -> Result<CostComparison> {
    if contenders.is_empty() {
        return Err(Error::usage(
            "nothing to compare: give --load, --run or --contender",
        ));
    }
    for (i, c) in contenders.iter().enumerate() {
        if contenders[..i].iter().any(|d| d.label == c.label) {
            return Err(Error::usage(format!("contender {} appears twice", c.label)));
        }
    }
    let priced = contenders
        .into_iter()
        .map(|contender| {
            let environment = Environment::new(
                &settings.sizing,
                &settings.lmi.instance,
                contender.cpu_ms_per_event,
                contender.peak_rss_mb,
                contender.max_concurrency,
            )
            .map_err(|e| Error::usage(format!("{}: {e}", contender.label)))?;
            let break_even = cost::break_even(
                &environment,
                &settings.sizing,
                &settings.lmi,
                contender.per_request.per_million,
            );
            let floor_per_month = settings
                .lmi
                .month(u64::from(settings.sizing.min_instances), 0.0)
                .total;
            let mut c = ContenderCosts {
                contender,
                environment,
                floor_per_month,
                rates: Vec::new(),
                break_even,
            };
            c.rates = settings.rates.iter().map(|&r| c.at(r, &settings)).collect();
            Ok(c)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut notes = vec![
        "modeled from local measurements, not measured on AWS: a Graviton core's speed against this \
         machine's, LMI's own agent overhead and scaling delays are not in it"
            .to_owned(),
        format!(
            "LMI scales on CPU: {:.0} % target utilisation, buffer × {}; per-request Lambda Billed Duration = \
             ⌈duration × max(1, 1769 / {} MB)⌉ (Lambda's CPU share below one vCPU)",
            100.0 * settings.sizing.target_utilization,
            settings.sizing.buffer,
            settings.lambda_memory_mb
        ),
    ];
    for c in &priced {
        if c.contender.errors > 0 {
            notes.push(format!(
                "{}: the measured row had {} errors",
                c.contender.label, c.contender.errors
            ));
        }
        if c.contender.emulated {
            notes.push(format!(
                "{}: measured under an emulator: its CPU-ms are the emulator's, far above a Graviton core's",
                c.contender.label
            ));
        }
        if c.contender.per_request.cold_billed_ms.is_none() && settings.cold_share > 0.0 {
            notes.push(format!(
                "{}: no Init Duration measured: cold starts priced as warm invocations (give --run for them)",
                c.contender.label
            ));
        }
    }
    Ok(CostComparison {
        tool: "lambda-bench".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        title,
        settings,
        contenders: priced,
        notes,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::managed_instances::instances::{resolve, InstanceChoice};

    /// Two contenders on c7g.xlarge, per-request Lambda at 1769 MB (one full vCPU).
    pub(crate) fn sample() -> CostComparison {
        let lambda = inputs::PerRequestPricing {
            memory_mb: 1769,
            pricing: Pricing::defaults("arm64"),
            cold_share: 0.0,
        };
        let contenders = vec![
            inputs::from_spec("ours:cpu-ms=0.2,rss-mb=6,n=2,duration-ms=0.2", &lambda).unwrap(),
            inputs::from_spec(
                "go:cpu-ms=0.4,rss-mb=14,n=2,duration-ms=0.4,init-ms=40",
                &lambda,
            )
            .unwrap(),
        ];
        let settings = Settings {
            region: "us-east-1".into(),
            lmi: LmiPricing {
                instance: resolve(&InstanceChoice {
                    name: "c7g.xlarge".into(),
                    region: "us-east-1".into(),
                    ..InstanceChoice::default()
                })
                .unwrap(),
                savings_plan: 0.0,
                management_fee: cost::MANAGEMENT_FEE,
                per_million_requests: cost::LMI_PER_MILLION_REQUESTS,
            },
            sizing: Sizing::default(),
            lambda_pricing: Pricing::defaults("arm64"),
            lambda_memory_mb: 1769,
            cold_share: 0.0,
            rates: vec![1.0, 100.0, 10_000.0],
        };
        compare("test".into(), contenders, settings).unwrap()
    }

    #[test]
    fn each_rate_priced_both_ways() {
        let c = sample();
        let ours = &c.contenders[0];
        // 0.2 CPU-ms at 50 %: 2500 requests/s per environment, 7500 per instance.
        assert_eq!(ours.environment.requests_per_s, 2500.0);
        // Floor: 3 × 0.145 × 730 × 1.15 = $365.1825.
        assert!((ours.floor_per_month - 365.1825).abs() < 1e-9);
        let at_1 = &ours.rates[0];
        assert_eq!((at_1.lmi.instances, at_1.environments), (3, 1));
        assert_eq!(at_1.cheaper(), "Lambda");
        // Per request at 1769 MB: 0.2 ms billed 1 ms, 1769 / 1024 GB.
        assert_eq!(ours.contender.per_request.warm_billed_ms, 1.0);
        let per_million = 1e6 * (0.001 * 1769.0 / 1024.0 * 0.000_013_333_4 + 0.2e-6);
        let at_10k = &ours.rates[2];
        assert!((at_10k.lambda_per_million - per_million).abs() < 1e-9);
        assert!((at_10k.lambda_per_month - 26_280.0 * per_million).abs() < 1e-6);
        // 10,000 requests/s: 4 environments, still the 3-instance floor: $365.18 + $5256.
        assert_eq!((at_10k.environments, at_10k.lmi.instances), (4, 3));
        assert!((at_10k.lmi.total - (365.1825 + 5256.0)).abs() < 1e-6);
        assert_eq!(at_10k.cheaper(), "LMI");
        // Break-even in the floor step: 3 instance-months over Lambda's extra per request/s.
        let s = 2.628e6 * (per_million - 0.2) / 1e6;
        let be = ours.break_even.unwrap();
        assert!((be.first - 365.1825 / s).abs() < 1e-6, "{be:?}");
        assert_eq!(be.instances, 3);
        assert!(
            c.notes.iter().all(|n| !n.contains("no Init")),
            "cold share 0: {:?}",
            c.notes
        );
    }

    #[test]
    fn duplicates_and_nothing_are_usage_errors() {
        let c = sample();
        let twice = vec![
            c.contenders[0].contender.clone(),
            c.contenders[0].contender.clone(),
        ];
        let err = compare("t".into(), twice, c.settings.clone()).unwrap_err();
        assert_eq!(err.to_string(), "contender ours appears twice");
        let err = compare("t".into(), vec![], c.settings.clone()).unwrap_err();
        assert!(err.to_string().starts_with("nothing to compare"));
    }
}
