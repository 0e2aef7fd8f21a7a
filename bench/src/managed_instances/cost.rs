//! What a month costs at a sustained rate, on LMI and on per-request Lambda, and the rate where
//! they meet.
//!
//! ```text
//! LMI $/month    = instances × on-demand $/h × 730 × (1 − Savings Plan)
//!                + instances × on-demand $/h × 730 × 0.15          (management fee, on on-demand)
//!                + R × 2,628,000 s × $0.20 / 10^6                   (requests)
//! Lambda $/month = R × 2,628,000 s × $ per million / 10^6           (tuning::cost, cold share in)
//! ```
//!
//! The fee and request price: <https://aws.amazon.com/lambda/pricing/> ("15% premium on the EC2
//! on-demand instance price", "$0.20 per million requests"), the same constants as AWS's LMI
//! pricing calculator (`LMI_MANAGEMENT_FEE`, `LMI_REQUEST_PRICE`), which also keeps the fee on
//! the on-demand price when a Savings Plan discounts the instances.
//!
//! Break-even: per-request Lambda grows by `s` $/month for each request/s more than LMI's own
//! request charge; LMI is a staircase, `k × P` ($/month of `k` instances) on the rates `k`
//! instances serve. The first rate where Lambda costs at least as much is `k × P / s` for the
//! first `k` whose step reaches it; past it, each new instance can put LMI ahead again for a
//! while: the rate from which LMI stays cheaper is the last such crossing. When one more
//! instance costs more than the Lambda bill of the load it serves, there is none.

use serde::{Deserialize, Serialize};

use super::capacity::{Environment, Sizing};
use super::instances::InstanceType;

pub const HOURS_PER_MONTH: f64 = 730.0;
pub const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;
/// LMI's compute management fee, a share of the on-demand instance price.
pub const MANAGEMENT_FEE: f64 = 0.15;
/// LMI's request price, $ per million.
pub const LMI_PER_MILLION_REQUESTS: f64 = 0.20;

/// Prices of the LMI side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LmiPricing {
    pub instance: InstanceType,
    /// Savings Plan discount on the instances, 0..1 (the fee is not discounted).
    pub savings_plan: f64,
    pub management_fee: f64,
    pub per_million_requests: f64,
}

impl LmiPricing {
    /// $ per month of one instance, fee included.
    pub fn instance_month(&self) -> f64 {
        self.instance.on_demand_per_hour
            * HOURS_PER_MONTH
            * (1.0 - self.savings_plan + self.management_fee)
    }

    /// The month of `instances` instances serving `requests` requests.
    pub fn month(&self, instances: u64, requests: f64) -> LmiMonth {
        let on_demand = instances as f64 * self.instance.on_demand_per_hour * HOURS_PER_MONTH;
        let ec2 = on_demand * (1.0 - self.savings_plan);
        let management_fee = on_demand * self.management_fee;
        let requests_cost = requests * self.per_million_requests / 1e6;
        LmiMonth {
            instances,
            ec2,
            management_fee,
            requests: requests_cost,
            total: ec2 + management_fee + requests_cost,
        }
    }
}

/// One month on LMI, by line item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LmiMonth {
    pub instances: u64,
    pub ec2: f64,
    pub management_fee: f64,
    pub requests: f64,
    pub total: f64,
}

/// Requests in a month at `rate` per second.
pub fn requests_per_month(rate: f64) -> f64 {
    rate * SECONDS_PER_MONTH
}

/// $ per million requests of a month's `total` at `rate`; none at rate 0.
pub fn per_million(total: f64, rate: f64) -> Option<f64> {
    (rate > 0.0).then(|| total / requests_per_month(rate) * 1e6)
}

/// Where per-request Lambda stops being the cheaper one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreakEven {
    /// The lowest rate (requests/s) at which per-request Lambda costs at least LMI.
    pub first: f64,
    /// The rate from which LMI is cheaper at every higher rate.
    pub for_good: f64,
    /// LMI instances at `first`.
    pub instances: u64,
}

/// Steps examined before giving up (a margin so thin that the answer is "about never").
const MAX_STEPS: u64 = 10_000_000;

/// The break-even rates, given `lambda_per_million` ($ per million requests on per-request
/// Lambda); `None` when LMI never gets cheaper.
pub fn break_even(
    env: &Environment,
    sizing: &Sizing,
    lmi: &LmiPricing,
    lambda_per_million: f64,
) -> Option<BreakEven> {
    // $/month per request/s that Lambda costs beyond LMI's request charge.
    let s = SECONDS_PER_MONTH * (lambda_per_million - lmi.per_million_requests) / 1e6;
    let p = lmi.instance_month();
    let capacity = env.requests_per_instance();
    if !(s > 0.0 && p > 0.0) || p * sizing.buffer >= s * capacity {
        return None;
    }
    let crossing = |k: u64| k as f64 * p / s;
    let mut k = u64::from(sizing.min_instances.max(1));
    while crossing(k) > env.max_rate(k, sizing) {
        k += 1;
        if k > MAX_STEPS {
            return None;
        }
    }
    let first = BreakEven {
        first: crossing(k),
        for_good: crossing(k),
        instances: k,
    };
    // Past step j (rates above max_rate(j)), LMI pays for the next instance count at once; it is
    // dearer again while s × rate < that count × p. Beyond `last`, s × max_rate(j − 1) ≥ j × p
    // always holds (max_rate(j − 1) ≥ ((j − 1) / buffer − 1) × capacity).
    let margin = s * capacity / sizing.buffer - p;
    let last = (s * capacity * (1.0 / sizing.buffer + 1.0) / margin).ceil() as u64 + k + 1;
    let mut for_good = first.first;
    for j in (k + 1)..=last.min(k + MAX_STEPS) {
        let start = env.max_rate(j - 1, sizing);
        if env.max_rate(j, sizing) > start && s * start < j as f64 * p {
            for_good = crossing(j);
        }
    }
    Some(BreakEven { for_good, ..first })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed_instances::instances::{resolve, InstanceChoice};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    fn lmi(name: &str, savings_plan: f64) -> LmiPricing {
        LmiPricing {
            instance: resolve(&InstanceChoice {
                name: name.into(),
                region: "us-east-1".into(),
                ..InstanceChoice::default()
            })
            .unwrap(),
            savings_plan,
            management_fee: MANAGEMENT_FEE,
            per_million_requests: LMI_PER_MILLION_REQUESTS,
        }
    }

    /// AWS's LMI pricing calculator, run with node 20 on its own first test case
    /// (tools/pricing-calculator/tests/calculator.test.js "Basic Calculation": python, target
    /// concurrency 100, 512 MB per execution, c7g.xlarge, 1,000,000 requests a month, 60 s,
    /// arm64, balanced workload, 3 AZ) at commit 6934a8046053ce5e22959d3ee55f8ce0de430f67
    /// (tools/pricing-calculator/web/src/utils/calculator.js, `calculateLmi`); the same figures
    /// are in its tests/test-cases.json. It gives 25 environments of 1 vCPU and 2048 MB, 3 per
    /// instance, 9 instances, 14 with its 1.5 buffer, and
    /// ec2_cost 1481.8999999999999, management_fee 222.28499999999997, request_cost 0.2,
    /// total_cost 1704.385; with the 1-year Compute Savings Plan (32 %) 1230.177.
    #[test]
    fn reproduces_the_aws_calculators_basic_calculation() {
        // "balanced": each invocation keeps a quarter of a vCPU busy, four per vCPU, at full
        // use: 100 concurrent invocations are 25 busy vCPUs. Here: 100 requests/s of 250
        // CPU-ms each at utilisation 1, environments of 1 vCPU (one per 2048 MB).
        let sizing = Sizing {
            target_utilization: 1.0,
            buffer: 1.5,
            ..Sizing::default()
        };
        let on_demand = lmi("c7g.xlarge", 0.0);
        let env = Environment::new(&sizing, &on_demand.instance, 250.0, 512.0, 4).unwrap();
        assert_eq!((env.vcpus, env.memory_mb, env.per_instance), (1, 2048, 3));
        assert_eq!(env.environments_at(100.0), 25);
        assert_eq!(env.instances_at(100.0, &sizing), 14);
        let month = on_demand.month(14, 1_000_000.0);
        assert!(close(month.ec2, 1481.8999999999999), "{month:?}");
        assert!(close(month.management_fee, 222.28499999999997), "{month:?}");
        assert!(close(month.requests, 0.2), "{month:?}");
        assert!(close(month.total, 1704.385), "{month:?}");
        let one_year_plan = lmi("c7g.xlarge", 0.32).month(14, 1_000_000.0);
        assert!(close(one_year_plan.total, 1230.177), "{one_year_plan:?}");
        assert!(close(one_year_plan.management_fee, 222.28499999999997));
    }

    #[test]
    fn a_month_line_by_line() {
        // 3 × m7g.large ($0.0816) for 730 h: $178.704, fee $26.8056; 10 requests/s for a month
        // are 26,280,000 requests: $5.256.
        let p = lmi("m7g.large", 0.0);
        let month = p.month(3, requests_per_month(10.0));
        assert!(close(month.ec2, 178.704), "{month:?}");
        assert!(close(month.management_fee, 26.8056), "{month:?}");
        assert!(close(month.requests, 5.256), "{month:?}");
        assert!(close(month.total, 210.7656), "{month:?}");
        assert!(close(
            per_million(month.total, 10.0).unwrap(),
            210.7656 / 26.28
        ));
        assert_eq!(per_million(1.0, 0.0), None);
        assert!(close(p.instance_month(), 0.0816 * 730.0 * 1.15));
    }

    fn env(sizing: &Sizing, cpu_ms: f64) -> Environment {
        Environment::new(sizing, &lmi("c7g.xlarge", 0.0).instance, cpu_ms, 6.0, 1).unwrap()
    }

    #[test]
    fn break_even_solves_the_floor_step_exactly() {
        // 1 CPU-ms per event at 50 %: 500 requests/s per environment, 1500 per instance.
        // One instance-month is 0.145 × 730 × 1.15 = $121.7275; three are $365.1825.
        // Lambda at $1.20 per million: s = 2.628 × (1.20 − 0.20) = $2.628 per request/s.
        // 365.1825 / 2.628 = 138.96 requests/s, inside the floor step (up to 4500).
        let sizing = Sizing::default();
        let be = break_even(&env(&sizing, 1.0), &sizing, &lmi("c7g.xlarge", 0.0), 1.20).unwrap();
        assert!(close(be.first, 3.0 * 121.7275 / 2.628), "{be:?}");
        assert_eq!(be.instances, 3);
        assert_eq!(
            be.for_good, be.first,
            "each instance serves $3942 of Lambda for $121.73"
        );
        // At that rate the two months are equal.
        let rate = be.first;
        let lmi_total = lmi("c7g.xlarge", 0.0)
            .month(3, requests_per_month(rate))
            .total;
        let lambda_total = requests_per_month(rate) * 1.20 / 1e6;
        assert!(close(lmi_total, lambda_total), "{lmi_total} {lambda_total}");
    }

    #[test]
    fn break_even_beyond_the_floor_and_after_recrossings() {
        // 20 CPU-ms per event at 50 %: 25 requests/s per environment, 75 per instance; the
        // floor serves 225. Lambda at $0.60 per million: s = $1.0512 per request/s.
        // 3 × 121.7275 / 1.0512 = 347 > 225: not in the floor step. Step k serves up to 75k:
        // k p / s ≤ 75 k needs p / s ≤ 75: 115.8 > 75: never (an instance costs more than the
        // Lambda bill of its load).
        let sizing = Sizing::default();
        let pricing = lmi("c7g.xlarge", 0.0);
        assert_eq!(
            break_even(&env(&sizing, 20.0), &sizing, &pricing, 0.60),
            None
        );
        // At $1.00 per million: s = $2.1024, p / s = 57.9 < 75: step k holds k × 57.9 once
        // 75 k ≥ 57.9 k: the floor step already ends at 225, and 3 p / s = 173.7.
        let be = break_even(&env(&sizing, 20.0), &sizing, &pricing, 1.00).unwrap();
        assert!(
            close(be.first, 3.0 * pricing.instance_month() / 2.1024),
            "{be:?}"
        );
        // Right after 225 requests/s LMI pays a 4th instance: s × 225 = 473.0 < 4 p = 486.9:
        // dearer again until 4 p / s = 231.6; after 300, s × 300 = 630.7 > 5 p = 608.6: ahead.
        assert!(
            close(be.for_good, 4.0 * pricing.instance_month() / 2.1024),
            "{be:?}"
        );
        // With a Savings Plan the instances are cheaper and the crossing earlier.
        let discounted = lmi("c7g.xlarge", 0.32);
        let cheaper = break_even(&env(&sizing, 20.0), &sizing, &discounted, 1.00).unwrap();
        assert!(cheaper.first < be.first);
        // Lambda no dearer per request than LMI's request charge: never.
        assert_eq!(
            break_even(&env(&sizing, 1.0), &sizing, &pricing, 0.20),
            None
        );
    }

    #[test]
    fn break_even_matches_a_fine_scan() {
        // The solved rates against a brute-force walk over rates 0.01 apart.
        let sizing = Sizing {
            buffer: 1.5,
            ..Sizing::default()
        };
        let pricing = lmi("c7g.xlarge", 0.0);
        let e = env(&sizing, 20.0);
        let lambda_per_million = 1.25;
        let be = break_even(&e, &sizing, &pricing, lambda_per_million).unwrap();
        let gap = |rate: f64| {
            let lmi_total = pricing
                .month(e.instances_at(rate, &sizing), requests_per_month(rate))
                .total;
            requests_per_month(rate) * lambda_per_million / 1e6 - lmi_total
        };
        let scan: Vec<f64> = (1..200_000).map(|i| i as f64 * 0.01).collect();
        let first = scan.iter().copied().find(|&r| gap(r) >= 0.0).unwrap();
        let last_behind = scan.iter().copied().rev().find(|&r| gap(r) < 0.0).unwrap();
        assert!((first - be.first).abs() <= 0.01, "{first} vs {be:?}");
        assert!(
            (last_behind - be.for_good).abs() <= 0.01,
            "{last_behind} vs {be:?}"
        );
        assert!(be.for_good > be.first, "{be:?}");
    }
}
