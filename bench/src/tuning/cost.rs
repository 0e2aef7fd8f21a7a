//! What Lambda charges for an invocation, and per million at a cold-start share.
//!
//! ```text
//! cost of one invocation = Billed Duration [s] × memory [MB] / 1024 × price per GB-second
//!                          + price per request
//! cost per million       = 10^6 × ((1 − s) × cost(warm Billed Duration)
//!                                 + s × cost(cold Billed Duration))
//! ```
//!
//! `s` is the share of invocations that are cold starts. Billed Duration is the REPORT line's
//! (Duration rounded up to the next 1 ms). A cold start's bills its Init Duration too: always
//! for custom runtimes such as `provided.al2023` (this function's), and for every on-demand
//! function since 2025-08-01 (AWS Compute Blog, "AWS Lambda standardizes billing for INIT
//! Phase", 2025-04-29). Where a report bills less than `ceil(Init Duration + Duration)` (an
//! emulator), that is what is counted.
//!
//! Default prices: US East (N. Virginia), first tier (the first 7.5 billion arm64 / 6 billion
//! x86_64 GB-seconds a month), without free tier or Savings Plans, from
//! <https://aws.amazon.com/lambda/pricing/> as read on 2026-12-04: arm64 $0.0000133334 per
//! GB-second, x86_64 $0.0000166667, requests $0.20 per million for both. Other regions and
//! tiers differ: `--price-gb-second` and `--price-per-million-requests` override them.

use serde::{Deserialize, Serialize};

/// Where the default prices come from, and when they were read.
pub const PRICE_SOURCE: &str =
    "https://aws.amazon.com/lambda/pricing/ (us-east-1, first tier), read 2026-12-04";
/// arm64 (Graviton) duration price, $ per GB-second.
pub const ARM64_PER_GB_SECOND: f64 = 0.000_013_333_4;
/// x86_64 duration price, $ per GB-second.
pub const X86_64_PER_GB_SECOND: f64 = 0.000_016_666_7;
/// Request price, $ per million, both architectures.
pub const PER_MILLION_REQUESTS: f64 = 0.20;

/// Prices an invocation is charged at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pricing {
    /// `arm64` or `x86_64`.
    pub architecture: String,
    /// $ per GB-second of Billed Duration.
    pub per_gb_second: f64,
    /// $ per million requests.
    pub per_million_requests: f64,
    /// Where these prices come from (the defaults' source, or "given on the command line").
    pub source: String,
}

impl Pricing {
    /// The default prices of `architecture` (`arm64`, or anything else for x86_64).
    pub fn defaults(architecture: &str) -> Pricing {
        let arm = architecture == "arm64";
        Pricing {
            architecture: if arm { "arm64" } else { "x86_64" }.to_owned(),
            per_gb_second: if arm {
                ARM64_PER_GB_SECOND
            } else {
                X86_64_PER_GB_SECOND
            },
            per_million_requests: PER_MILLION_REQUESTS,
            source: PRICE_SOURCE.to_owned(),
        }
    }

    /// $ for one invocation billed `billed_ms` at `memory_mb`.
    pub fn invocation(&self, billed_ms: f64, memory_mb: u64) -> f64 {
        billed_ms / 1000.0 * memory_mb as f64 / 1024.0 * self.per_gb_second
            + self.per_million_requests / 1e6
    }

    /// $ per million invocations at `memory_mb`, a share `cold_share` of them cold starts.
    pub fn per_million(
        &self,
        memory_mb: u64,
        warm_billed_ms: f64,
        cold_billed_ms: f64,
        cold_share: f64,
    ) -> f64 {
        1e6 * ((1.0 - cold_share) * self.invocation(warm_billed_ms, memory_mb)
            + cold_share * self.invocation(cold_billed_ms, memory_mb))
    }
}

/// Billed Duration of an invocation: the report's, but at least `ceil(Init + Duration)` on a
/// cold start (Init is billed, see the module documentation).
pub fn billed_ms(reported: Option<u64>, duration_ms: f64, init_ms: Option<f64>) -> f64 {
    let computed = (duration_ms + init_ms.unwrap_or(0.0)).ceil();
    reported.map_or(computed, |r| (r as f64).max(computed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-9)
    }

    #[test]
    fn the_pricing_pages_example() {
        // 512 MB for 300 ms = 0.15 GB-s; at arm64's price plus one request.
        let p = Pricing::defaults("arm64");
        let one = p.invocation(300.0, 512);
        assert!(close(one, 0.15 * 0.000_013_333_4 + 0.000_000_2), "{one}");
        // x86_64 costs more per GB-second, the same per request.
        let x = Pricing::defaults("x86_64");
        assert!(x.invocation(300.0, 512) > one);
        assert_eq!(x.per_million_requests, p.per_million_requests);
    }

    #[test]
    fn per_million_weighs_cold_starts_by_their_share() {
        let p = Pricing::defaults("arm64");
        // All warm: a million times the warm invocation.
        let warm = p.per_million(1024, 10.0, 100.0, 0.0);
        assert!(close(warm, 1e6 * p.invocation(10.0, 1024)));
        // 1 GB for 10 ms = 0.01 GB-s: $0.133334 + $0.20 of requests.
        assert!(close(warm, 0.133_334 + 0.2), "{warm}");
        let all_cold = p.per_million(1024, 10.0, 100.0, 1.0);
        assert!(close(all_cold, 1.333_34 + 0.2), "{all_cold}");
        let some = p.per_million(1024, 10.0, 100.0, 0.01);
        assert!(close(some, 0.99 * warm + 0.01 * all_cold), "{some}");
    }

    #[test]
    fn init_is_billed_on_cold_starts() {
        assert_eq!(billed_ms(Some(2), 1.5, None), 2.0);
        assert_eq!(billed_ms(None, 1.5, None), 2.0);
        // A report that billed the init already.
        assert_eq!(billed_ms(Some(15), 3.25, Some(11.4)), 15.0);
        // An emulator's report that did not.
        assert_eq!(billed_ms(Some(4), 3.25, Some(11.4)), 15.0);
    }
}
