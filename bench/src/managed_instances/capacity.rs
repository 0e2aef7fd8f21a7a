//! How many instances a sustained rate needs on Lambda Managed Instances.
//!
//! ```text
//! vCPUs busy        = R × CPU-ms per event / 1000 / target utilisation
//! environment       = max(2048 MB, peak RSS / 0.8) rounded up to whole vCPUs at the memory-per-vCPU
//!                     ratio (2, 4 or 8 GiB per vCPU); it keeps min(its vCPUs, N) busy, N being the
//!                     concurrency the figures were measured at
//! per instance      = min(⌊(vCPUs − 1) / env vCPUs⌋, ⌊(GiB × 1024 − 1024) / env MB⌋)
//! instances         = max(3, ⌈⌈environments / per instance⌉ × buffer⌉)
//! ```
//!
//! The OS reserve (1 vCPU, 1 GiB per instance), the 2 GiB smallest environment and the buffer
//! are AWS's LMI pricing calculator's (`computeEnvsPerInstance`, `computeFunctionMemoryMb`,
//! `SCALING_BUFFER`; see [`super::instances::CALCULATOR`]); it applies its 1.5 buffer after the
//! 3-instance floor (so never fewer than 5), this model before it: a published version starts
//! on 3 instances, one per Availability Zone. The buffer defaults to 1 here because the target
//! utilisation already is the headroom.

use serde::{Deserialize, Serialize};

use super::instances::InstanceType;

/// vCPUs and memory each instance keeps for its OS and the Lambda agent.
pub const OS_RESERVED_VCPUS: u32 = 1;
pub const OS_RESERVED_MB: u64 = 1024;
/// The smallest LMI execution environment.
pub const MIN_ENVIRONMENT_MB: u64 = 2048;
/// The measured peak RSS may fill at most this share of an environment's memory.
pub const RSS_SHARE: f64 = 0.8;

/// How the fleet is sized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sizing {
    /// Share of the busy vCPUs' time the load may use, 0 < u ≤ 1.
    pub target_utilization: f64,
    /// Multiplier on the instances the load needs (AWS's calculator: 1.5 for 3 AZs).
    pub buffer: f64,
    pub min_instances: u32,
    /// GiB of environment memory per vCPU: 2, 4 or 8.
    pub memory_per_vcpu_gib: u32,
    /// Environment memory asked for; derived from the peak RSS when absent.
    pub environment_memory_mb: Option<u64>,
}

impl Default for Sizing {
    fn default() -> Sizing {
        Sizing {
            target_utilization: 0.5,
            buffer: 1.0,
            min_instances: 3,
            memory_per_vcpu_gib: 2,
            environment_memory_mb: None,
        }
    }
}

/// One execution environment's shape and what it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub vcpus: u32,
    pub memory_mb: u64,
    /// vCPUs a CPU-bound runtime with N concurrent invocations keeps busy: min(vCPUs, N).
    pub busy_vcpus: u32,
    /// Environments that fit on one instance after the OS reserve.
    pub per_instance: u32,
    /// Requests per second one environment serves at the target utilisation.
    pub requests_per_s: f64,
}

/// `x` rounded up, forgiving the last bits of floating-point error (3.0000000000004 is 3).
pub(crate) fn ceil(x: f64) -> f64 {
    (x - 1e-9 * x.abs().max(1.0)).ceil()
}

impl Environment {
    /// The environment for figures measured at concurrency `n`: `cpu_ms` per event, `peak_rss_mb`.
    pub fn new(
        sizing: &Sizing,
        instance: &InstanceType,
        cpu_ms: f64,
        peak_rss_mb: f64,
        n: u32,
    ) -> Result<Environment, String> {
        if !(cpu_ms.is_finite() && cpu_ms > 0.0) {
            return Err(format!("CPU-ms per event must be positive, got {cpu_ms}"));
        }
        if !(peak_rss_mb.is_finite() && peak_rss_mb >= 0.0) {
            return Err(format!(
                "peak RSS must be a number of MB, got {peak_rss_mb}"
            ));
        }
        let per_vcpu_mb = u64::from(sizing.memory_per_vcpu_gib) * 1024;
        let needed_mb = (peak_rss_mb / RSS_SHARE).ceil() as u64;
        let (vcpus, memory_mb) = match sizing.environment_memory_mb {
            Some(mb) => {
                if mb < MIN_ENVIRONMENT_MB || mb % per_vcpu_mb != 0 {
                    return Err(format!(
                        "--env-memory {mb}: at {} GiB per vCPU an environment has {per_vcpu_mb}, {}, ... MB \
                         (at least {MIN_ENVIRONMENT_MB})",
                        sizing.memory_per_vcpu_gib,
                        2 * per_vcpu_mb
                    ));
                }
                if mb < needed_mb {
                    return Err(format!(
                        "--env-memory {mb}: the measured peak RSS ({peak_rss_mb:.1} MB) needs at least \
                         {needed_mb} MB (RSS at most {:.0} % of it)",
                        100.0 * RSS_SHARE
                    ));
                }
                ((mb / per_vcpu_mb) as u32, mb)
            }
            None => {
                let vcpus = needed_mb
                    .max(MIN_ENVIRONMENT_MB)
                    .div_ceil(per_vcpu_mb)
                    .max(1);
                (vcpus as u32, vcpus * per_vcpu_mb)
            }
        };
        let usable_vcpus = instance.vcpus.saturating_sub(OS_RESERVED_VCPUS);
        let usable_mb = (u64::from(instance.memory_gib) * 1024).saturating_sub(OS_RESERVED_MB);
        let per_instance = (usable_vcpus / vcpus).min((usable_mb / memory_mb) as u32);
        if per_instance == 0 {
            return Err(format!(
                "a {vcpus}-vCPU, {memory_mb} MB environment does not fit on {} ({} vCPUs, {} GiB, less \
                 {OS_RESERVED_VCPUS} vCPU and {OS_RESERVED_MB} MB for the OS)",
                instance.name, instance.vcpus, instance.memory_gib
            ));
        }
        let busy_vcpus = vcpus.min(n.max(1));
        Ok(Environment {
            vcpus,
            memory_mb,
            busy_vcpus,
            per_instance,
            requests_per_s: f64::from(busy_vcpus) * sizing.target_utilization * 1000.0 / cpu_ms,
        })
    }

    /// Requests per second one instance's environments serve at the target utilisation.
    pub fn requests_per_instance(&self) -> f64 {
        f64::from(self.per_instance) * self.requests_per_s
    }

    /// Environments the rate needs.
    pub fn environments_at(&self, rate: f64) -> u64 {
        ceil(rate.max(0.0) / self.requests_per_s) as u64
    }

    /// Instances the rate needs: the load's, times the buffer, never fewer than the minimum.
    pub fn instances_at(&self, rate: f64, sizing: &Sizing) -> u64 {
        let base = self
            .environments_at(rate)
            .div_ceil(u64::from(self.per_instance));
        (ceil(base as f64 * sizing.buffer) as u64).max(u64::from(sizing.min_instances))
    }

    /// The highest rate `instances` instances serve (the inverse of [`Self::instances_at`]):
    /// `⌊instances / buffer⌋` instances' worth of environments.
    pub fn max_rate(&self, instances: u64, sizing: &Sizing) -> f64 {
        if instances < u64::from(sizing.min_instances) {
            return 0.0;
        }
        let base = (instances as f64 / sizing.buffer + 1e-9).floor();
        base * self.requests_per_instance()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed_instances::instances::{resolve, InstanceChoice};

    fn instance(name: &str) -> InstanceType {
        resolve(&InstanceChoice {
            name: name.into(),
            region: "us-east-1".into(),
            price_per_hour: Some(0.1),
            ..InstanceChoice::default()
        })
        .unwrap()
    }

    #[test]
    fn a_small_function_gets_the_smallest_environment() {
        let sizing = Sizing::default();
        // 0.1 CPU-ms per event, 6 MB: 1 vCPU, 2048 MB; c7g.xlarge keeps 3 vCPUs and 7168 MB.
        let env = Environment::new(&sizing, &instance("c7g.xlarge"), 0.1, 6.2, 2).unwrap();
        assert_eq!(
            (env.vcpus, env.memory_mb, env.busy_vcpus, env.per_instance),
            (1, 2048, 1, 3)
        );
        // One vCPU half busy at 0.1 ms per event: 5000 requests/s.
        assert!((env.requests_per_s - 5000.0).abs() < 1e-9);
        // c7g.large: 1 vCPU and 3072 MB left, one environment.
        let env = Environment::new(&sizing, &instance("c7g.large"), 0.1, 6.2, 2).unwrap();
        assert_eq!(env.per_instance, 1);
        // m7g.xlarge: 3 vCPUs, 15360 MB: three (vCPU-bound).
        let env = Environment::new(&sizing, &instance("m7g.xlarge"), 0.1, 6.2, 2).unwrap();
        assert_eq!(env.per_instance, 3);
    }

    #[test]
    fn memory_ratio_rss_and_explicit_sizes() {
        let four = Sizing {
            memory_per_vcpu_gib: 4,
            ..Sizing::default()
        };
        // 4 GiB per vCPU: 1 vCPU, 4096 MB; c7g.xlarge's 7168 MB fit one, m7g.xlarge's 15360 three.
        let env = Environment::new(&four, &instance("c7g.xlarge"), 1.0, 10.0, 1).unwrap();
        assert_eq!((env.vcpus, env.memory_mb, env.per_instance), (1, 4096, 1));
        // A 3000 MB peak needs 3750 MB: 2 vCPUs at 2 GiB each.
        let env =
            Environment::new(&Sizing::default(), &instance("m7g.xlarge"), 1.0, 3000.0, 1).unwrap();
        assert_eq!((env.vcpus, env.memory_mb), (2, 4096));
        // ... of which a runtime measured at N = 1 keeps one busy.
        assert_eq!(env.busy_vcpus, 1);
        let sized = |mb| Sizing {
            environment_memory_mb: Some(mb),
            ..Sizing::default()
        };
        let env = Environment::new(&sized(4096), &instance("m7g.xlarge"), 1.0, 6.0, 8).unwrap();
        assert_eq!((env.vcpus, env.busy_vcpus, env.per_instance), (2, 2, 1));
        for (mb, message) in [
            (
                1024,
                "at 2 GiB per vCPU an environment has 2048, 4096, ... MB",
            ),
            (3000, "at 2 GiB per vCPU"),
        ] {
            let err =
                Environment::new(&sized(mb), &instance("c7g.xlarge"), 1.0, 6.0, 1).unwrap_err();
            assert!(err.contains(message), "{err}");
        }
        let err =
            Environment::new(&sized(2048), &instance("c7g.xlarge"), 1.0, 1900.0, 1).unwrap_err();
        assert!(err.contains("needs at least 2375 MB"), "{err}");
        let err = Environment::new(&sized(4096), &instance("c7g.large"), 1.0, 6.0, 1).unwrap_err();
        assert!(err.contains("does not fit on c7g.large"), "{err}");
        assert!(Environment::new(&Sizing::default(), &instance("c7g.large"), 0.0, 6.0, 1).is_err());
    }

    #[test]
    fn instances_floor_buffer_and_their_inverse() {
        let sizing = Sizing::default();
        let env = Environment::new(&sizing, &instance("c7g.xlarge"), 0.1, 6.0, 1).unwrap();
        // 15000 requests/s per instance; three at least.
        assert_eq!(env.instances_at(0.0, &sizing), 3);
        assert_eq!(env.instances_at(45_000.0, &sizing), 3);
        assert_eq!(env.instances_at(45_000.1, &sizing), 4);
        assert_eq!(env.max_rate(3, &sizing), 45_000.0);
        assert_eq!(env.max_rate(2, &sizing), 0.0);
        let buffered = Sizing {
            buffer: 1.5,
            ..Sizing::default()
        };
        // 3 instances hold 2 instances' load; 4 no more; 5 three (⌈3 × 1.5⌉ = 5).
        assert_eq!(env.max_rate(3, &buffered), 30_000.0);
        assert_eq!(env.max_rate(4, &buffered), 30_000.0);
        assert_eq!(env.max_rate(5, &buffered), 45_000.0);
        assert_eq!(env.instances_at(30_000.0, &buffered), 3);
        assert_eq!(env.instances_at(30_001.0, &buffered), 5);
        for rate in [1.0, 29_999.0, 44_999.0, 45_001.0, 1e6] {
            let k = env.instances_at(rate, &buffered);
            assert!(env.max_rate(k, &buffered) >= rate, "{rate}: {k}");
            assert!(env.max_rate(k - 1, &buffered) < rate, "{rate}: {k}");
        }
    }
}
